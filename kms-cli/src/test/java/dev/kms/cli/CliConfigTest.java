package dev.kms.cli;

import dev.kms.node.NodeConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Configuration problems are reported, by property name, with exit 1 and nothing on stdout. */
class CliConfigTest extends CliTestBase {

    @Test
    void pinFromEnvironmentVariable() {
        kms.writeConfig(NodeConfig.PIN_ENV + "=TEST_KMS_PIN");
        kms.env.put("TEST_KMS_PIN", new String(kms.token.userPin()));
        kms.ok("list-keys");
    }

    @Test
    void pinEnvironmentVariableUnset_isReported() {
        kms.writeConfig(NodeConfig.PIN_ENV + "=TEST_KMS_PIN_UNSET");
        assertConfigError("TEST_KMS_PIN_UNSET");
    }

    @Test
    void wrongPin_isAServiceErrorThatDoesNotShowThePin() throws Exception {
        Files.writeString(home.resolve("user.pin"), "wrong-pin-value");
        CliFixture.Result result = kms.run("list-keys");
        assertEquals(1, result.exit(), result.err());
        assertEquals("", result.out());
        assertTrue(!result.err().contains("wrong-pin-value"), result.err());
    }

    @Test
    void bothPinSources_isReported() {
        kms.writeConfig(NodeConfig.PIN_FILE + "=user.pin", NodeConfig.PIN_ENV + "=X");
        assertConfigError("exactly one of hsm.pin.file and hsm.pin.env");
    }

    @Test
    void unknownProperty_isReported() {
        kms.writeConfig(NodeConfig.PIN_FILE + "=user.pin", "hsm.pin=1234");
        assertConfigError("unknown properties [hsm.pin]");
    }

    @Test
    void badAccount_isReported() {
        kms.writeConfig(NodeConfig.PIN_FILE + "=user.pin", "account=12");
        assertConfigError("account id must be 12 digits");
    }

    @Test
    void embeddedTokenWithAnotherSofthsm2Conf_failsClosed() {
        kms.writeConfig(NodeConfig.PIN_FILE + "=user.pin", NodeConfig.SOFTHSM2_CONF + "=softhsm/softhsm2.conf");
        assertConfigError("run kms through scripts/kms, or export SOFTHSM2_CONF=" + home.resolve("softhsm/softhsm2.conf"));
    }

    @Test
    void firstUse_withoutSofthsm2ConfForTheNewHome_failsClosedAndCreatesNothing() throws Exception {
        Files.delete(home.resolve("config.properties"));
        assertConfigError("SOFTHSM2_CONF=" + home.resolve("softhsm/softhsm2.conf"));
        assertTrue(Files.notExists(home.resolve("config.properties")));
        assertTrue(Files.notExists(home.resolve("softhsm")));
    }

    private void assertConfigError(String messagePart) {
        CliFixture.Result result = kms.run("list-keys");
        assertEquals(1, result.exit(), result.err());
        assertEquals("", result.out());
        assertTrue(result.err().startsWith("kms: "), result.err());
        assertTrue(result.err().contains(messagePart), result.err());
    }
}
