package dev.kms.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;

/** Each test gets its own token and KMS_HOME; afterwards no output may contain either PIN. */
abstract class CliTestBase {
    @TempDir
    Path home;

    CliFixture kms;

    @BeforeEach
    void createHome() {
        kms = CliFixture.create(home);
    }

    @AfterEach
    void noPinInAnyOutput() {
        String userPin = new String(kms.token.userPin());
        String soPin = new String(kms.token.soPin());
        for (CliFixture.Result result : kms.results) {
            assertFalse(result.out().contains(userPin) || result.err().contains(userPin), "user PIN printed");
            assertFalse(result.out().contains(soPin) || result.err().contains(soPin), "SO PIN printed");
        }
    }
}
