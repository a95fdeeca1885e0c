package dev.kms.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end: scripts/kms as a subprocess on a fresh KMS_HOME, with no SOFTHSM2_CONF of its own. The
 * first command bootstraps the embedded token; the script must export SOFTHSM2_CONF for it. The
 * subprocess runs on this test's class path (KMS_CLASSPATH), since the jar is only packaged after tests.
 */
class ScriptKmsTest {
    @TempDir
    Path work;

    @Test
    void firstUse_bootstrapsTheEmbeddedToken_thenCreatesEncryptsAndDecrypts() throws Exception {
        KmsScript.assumeSoftHsm2Installed();
        Path home = work.resolve("kms home");
        byte[] secret = "end to end\n".getBytes(StandardCharsets.UTF_8);
        Path secretFile = Files.write(work.resolve("secret.bin"), secret);

        Run created = kms(home, "create-key", "--description", "e2e");
        assertEquals(0, created.exit, created.err);
        JsonNode metadata = Params.MAPPER.readTree(created.out).get("KeyMetadata");
        String keyId = metadata.get("KeyId").asText();

        String rwOnly = "rw-------";
        assertEquals(rwOnly, PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("softhsm/user.pin"))));
        assertEquals(rwOnly, PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("softhsm/so.pin"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("softhsm"))));
        assertTrue(Files.isRegularFile(home.resolve("softhsm/softhsm2.conf")));
        assertTrue(Files.isRegularFile(home.resolve("metadata.db")));
        String config = Files.readString(home.resolve("config.properties"));
        assertTrue(config.contains("hsm.token.label=kms") && config.contains("# hsm.pin.env"), config);
        String account = config.lines().filter(l -> l.startsWith("account=")).findFirst().orElseThrow().substring(8);
        assertTrue(account.matches("[1-9]\\d{11}"), account);
        assertEquals("arn:aws:kms:us-east-1:" + account + ":key/" + keyId, metadata.get("Arn").asText());

        Run status = kms(home, "hsm", "status", "--query", "[TokenLabel, ObjectCount]", "--output", "text");
        assertEquals("kms\t" + (1 + HsmCommandsTest.SERVICE_KEYS) + "\n", status.out, status.err);

        Run encrypted = kms(home, "encrypt", "--key-id", keyId, "--plaintext", "fileb://" + secretFile,
                "--encryption-context", "purpose=e2e", "--query", "CiphertextBlob", "--output", "text");
        assertEquals(0, encrypted.exit, encrypted.err);
        Path blob = Files.write(work.resolve("blob.bin"), Base64.getMimeDecoder().decode(encrypted.out));

        Run decrypted = kms(home, "--home=" + home, "decrypt", "--ciphertext-blob", "fileb://" + blob,
                "--encryption-context", "purpose=e2e", "--query", "Plaintext", "--output", "text");
        assertEquals(0, decrypted.exit, decrypted.err);
        assertArrayEquals(secret, Base64.getMimeDecoder().decode(decrypted.out));

        Run wrongContext = kms(home, "decrypt", "--ciphertext-blob", "fileb://" + blob);
        assertEquals(1, wrongContext.exit);
        assertEquals("", wrongContext.out);
        assertTrue(wrongContext.err.contains("\"__type\": \"InvalidCiphertextException\""), wrongContext.err);

        String userPin = Files.readString(home.resolve("softhsm/user.pin")).strip();
        String soPin = Files.readString(home.resolve("softhsm/so.pin")).strip();
        for (Run run : List.of(created, status, encrypted, decrypted, wrongContext)) {
            assertFalse(run.out.contains(userPin) || run.err.contains(userPin) || run.out.contains(soPin)
                    || run.err.contains(soPin), "a PIN was printed");
        }
    }

    private record Run(int exit, String out, String err) {
    }

    private Run kms(Path home, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", KmsScript.PATH.toString()));
        if (List.of(args).stream().noneMatch(a -> a.startsWith("--home="))) {
            command.addAll(List.of("--home", home.toString()));
        }
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile());
        builder.environment().remove("SOFTHSM2_CONF");
        builder.environment().remove("KMS_HOME");
        builder.environment().put("KMS_CLASSPATH", System.getProperty("java.class.path"));
        Path out = work.resolve("stdout");
        Path err = work.resolve("stderr");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process process = builder.start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "scripts/kms timed out");
        return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }
}
