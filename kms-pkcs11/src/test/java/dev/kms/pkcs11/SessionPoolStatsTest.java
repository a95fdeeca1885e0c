package dev.kms.pkcs11;

import dev.kms.core.model.KeySpec;
import dev.kms.core.model.MaterialId;
import dev.kms.core.port.Hsm.AeadCiphertext;
import dev.kms.core.port.SessionPoolStats;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xipki.pkcs11.wrapper.Session;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The session pool's counters as {@link Pkcs11Hsm#sessionPoolStats()} shows them, on SoftHSM2. */
class SessionPoolStatsTest {
    private static final byte[] DATA = "pool stats".getBytes(StandardCharsets.UTF_8);

    private static TestToken token;

    @BeforeAll
    static void createToken() {
        token = TestTokens.newToken("poolstats");
    }

    @Test
    void everyOperation_borrowsOnce_andGivesBack() {
        try (Pkcs11Hsm hsm = token.openHsm(3)) {
            MaterialId id = MaterialId.random();
            hsm.generateKey(id, KeySpec.SYMMETRIC_DEFAULT, "stats-" + id);
            SessionPoolStats stats = hsm.sessionPoolStats();
            long before = stats.borrows();

            for (int i = 0; i < 5; i++) {
                hsm.encrypt(id, DATA, null);
            }

            assertEquals(before + 5, stats.borrows());
            assertEquals(3, stats.size());
            assertEquals(0, stats.inUse());
            assertEquals(0, stats.waits(), "no caller waited");
            assertEquals(0, stats.timeouts());
        }
    }

    @Test
    void aBorrowerFindingNoIdleSession_waits_andTheWaitIsCounted() throws Exception {
        try (Pkcs11Hsm hsm = token.openHsm(1)) {
            MaterialId id = MaterialId.random();
            hsm.generateKey(id, KeySpec.SYMMETRIC_DEFAULT, "stats-" + id);
            SessionPoolStats stats = hsm.sessionPoolStats();
            Session held = hsm.sessions().borrow();
            assertEquals(1, stats.inUse());

            CompletableFuture<AeadCiphertext> encrypt = CompletableFuture.supplyAsync(() -> hsm.encrypt(id, DATA, null));
            Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
            while (stats.waits() == 0 && Instant.now().isBefore(deadline)) {
                Thread.sleep(10);
            }
            assertEquals(1, stats.waits(), "the encryption waits for the held session");
            assertFalse(encrypt.isDone());
            hsm.sessions().giveBack(held);

            assertArrayEquals(DATA, hsm.decrypt(id, encrypt.get(), null));
            assertTrue(stats.waitNanos() > 0, "wait time summed");
            assertEquals(0, stats.inUse());
            assertEquals(0, stats.timeouts());
        }
    }
}
