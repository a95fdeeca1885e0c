package dev.kms.store;

import dev.kms.core.identity.AccessKey;
import dev.kms.core.identity.AccessKeyStatus;
import dev.kms.core.identity.Account;
import dev.kms.core.identity.ProtectedSecret;
import dev.kms.core.identity.User;
import dev.kms.core.model.KeySpec;
import dev.kms.core.model.MaterialId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What only the SQLite store shows: sharing the metadata store's file, and surviving a reopen. */
class SqliteIdentityStoreTest {
    private static final Instant T0 = Instant.parse("2025-01-02T03:04:05.678Z");

    @TempDir
    Path dir;

    @Test
    void open_onTheMetadataStoresFile_sharesItAndBothWork() {
        Path file = dir.resolve("kms.db");
        try (SqliteMetadataStore metadata = SqliteMetadataStore.open(file);
             SqliteIdentityStore identities = SqliteIdentityStore.open(file)) {
            identities.insertAccount(new Account("111122223333", T0));
            assertTrue(metadata.listKeys("111122223333", null, 10).isEmpty());
            assertTrue(identities.findAccount("111122223333").isPresent());
        }
    }

    @Test
    void reopen_keepsAccountsUsersKeysAndServiceKeys() {
        Path file = dir.resolve("kms.db");
        MaterialId material = MaterialId.random();
        AccessKey key = AccessKey.forUser("AKIAAAAAAAAAAAAAAAA1", "111122223333", "alice",
                ProtectedSecret.of(new byte[]{1, 2, 3}), AccessKeyStatus.Active, T0);
        try (SqliteIdentityStore store = SqliteIdentityStore.open(file)) {
            store.insertAccount(new Account("111122223333", T0));
            store.insertUser(new User("111122223333", "alice", "AIDAALICE00000000000",
                    "arn:aws:iam::111122223333:user/alice", T0));
            store.insertAccessKey(key);
            store.insert("secrets", KeySpec.SYMMETRIC_DEFAULT, material);
        }
        try (SqliteIdentityStore store = SqliteIdentityStore.open(file)) {
            assertEquals(Optional.of(key), store.findAccessKey("AKIAAAAAAAAAAAAAAAA1"));
            assertEquals(Optional.of(material), store.find("secrets"));
            assertEquals("alice", store.findUser("111122223333", "ALICE").orElseThrow().userName());
        }
    }
}
