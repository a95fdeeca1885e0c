package dev.kms.cli;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kms.KmsClient;

import java.nio.file.Path;

/**
 * One {@link ServedHome} in us-east-1 for a whole test class, with the bootstrap administrator's KmsClient. The
 * subclass's {@code @BeforeAll} calls {@link #serve}, since only it knows which IAM users it needs.
 */
abstract class ServedHomeTestBase {
    @TempDir
    static Path home;
    static ServedHome server;
    static KmsClient admin;

    static void serve(String... userNames) throws Exception {
        server = ServedHome.start(home, "us-east-1", userNames);
        admin = server.client(server.administrator);
    }

    /** Closes the server and with it every client it made. */
    @AfterAll
    static void stop() throws Exception {
        server.close();
    }
}
