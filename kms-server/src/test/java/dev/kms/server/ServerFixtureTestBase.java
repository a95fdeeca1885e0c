package dev.kms.server;

import org.junit.jupiter.api.AfterEach;

/** A test whose methods each start the {@link ServerFixture} they need, if any; it is closed after each. */
abstract class ServerFixtureTestBase {
    ServerFixture fixture;

    @AfterEach
    void closeFixture() {
        if (fixture != null) {
            fixture.close();
        }
    }
}
