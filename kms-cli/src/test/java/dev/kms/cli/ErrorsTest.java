package dev.kms.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one error mapper: exit codes and stderr text for service, usage and unexpected errors. */
class ErrorsTest extends CliTestBase {

    @Test
    void serviceError_printsTheAwsErrorBodyOnStderr() {
        CliFixture.Result result = kms.run("describe-key", "--key-id", "alias/missing").assertServiceError("NotFoundException");
        assertTrue(result.err().startsWith("{\"__type\": \"NotFoundException\", \"message\": "), result.err());
    }

    @Test
    void unknownOption_isAUsageError() {
        kms.run("describe-key", "--key-id", "x", "--no-such-flag").assertUsageError("Unknown option: '--no-such-flag'");
    }

    @Test
    void mistypedRequiredOption_reportsTheUnknownOption() {
        kms.run("describe-key", "--key-idd", "x").assertUsageError("Unknown option or argument: --key-idd x");
    }

    @Test
    void unknownCommand_isAUsageError() {
        kms.run("describe-keys", "--key-id", "x").assertUsageError("describe-keys");
    }

    @Test
    void missingRequiredOption_isAUsageError() {
        kms.run("encrypt", "--key-id", "alias/x").assertUsageError("--plaintext");
    }

    @Test
    void invalidBase64Blob_isAUsageError_withoutEchoingTheValue() {
        CliFixture.Result result = kms.run("encrypt", "--key-id", "alias/x", "--plaintext", "not base64 s3cr3t!")
                .assertUsageError("Invalid base64");
        assertTrue(!result.err().contains("s3cr3t"), result.err());
    }

    @Test
    void missingFilebFile_isAUsageError() {
        kms.run("encrypt", "--key-id", "alias/x", "--plaintext", "fileb://" + home.resolve("absent"))
                .assertUsageError("no such file");
    }

    @Test
    void notANumber_isAUsageError() {
        kms.run("generate-random", "--number-of-bytes", "many").assertUsageError("--number-of-bytes");
    }

    @Test
    void badOutputFormat_isAUsageError() {
        kms.run("list-keys", "--output", "yaml").assertUsageError("--output");
    }

    @Test
    void badQuery_isAUsageError() {
        kms.run("list-keys", "--query", "Keys[").assertUsageError("JMESPath");
    }

    @Test
    void badEncryptionContext_isAUsageError() {
        kms.run("encrypt", "--key-id", "x", "--plaintext", "aGVsbG8=", "--encryption-context", "novalue")
                .assertUsageError("key=value");
    }

    @Test
    void noCommand_isAUsageError() {
        CliFixture.Result result = kms.run();
        assertEquals(2, result.exit());
        assertEquals("", result.out());
    }

    @Test
    void help_goesToStdout_andExitsZero() {
        CliFixture.Result result = kms.run("encrypt", "--help");
        assertEquals(0, result.exit());
        assertTrue(result.out().contains("--encryption-context"), result.out());
    }

    @Test
    void globalOptions_beforeTheCommand_work() {
        kms.createKey();
        CliFixture.Result result = kms.run("--output", "text", "--query", "length(Keys)", "list-keys");
        assertEquals("1\n", result.out(), result.err());
    }
}
