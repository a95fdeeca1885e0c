package dev.kms.core.port;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.model.Alias;
import dev.kms.core.model.KeyManager;
import dev.kms.core.model.KeyMaterial;
import dev.kms.core.model.KeySpec;
import dev.kms.core.model.KeyState;
import dev.kms.core.model.KeyUsage;
import dev.kms.core.model.KmsKey;
import dev.kms.core.model.MaterialId;
import dev.kms.core.model.Origin;
import dev.kms.core.model.RotationSchedule;
import dev.kms.core.model.RotationType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The behaviour every {@link MetadataStore} shares; subclasses supply a fresh, empty store per test. */
public abstract class MetadataStoreContract {
    protected static final String ACCOUNT = "111122223333";
    protected static final String OTHER_ACCOUNT = "444455556666";
    protected static final Instant T0 = Instant.parse("2025-01-02T03:04:05.678Z");
    private static final String POLICY = "{\"Version\":\"2012-10-17\",\"Statement\":[]}";

    protected MetadataStore store;

    /** Returns a new, empty store; called before each test. */
    protected abstract MetadataStore newStore();

    @BeforeEach
    void createStore() {
        store = newStore();
    }

    /** A key with every optional field set and three materials: the original, one automatic, one on demand. */
    protected static KmsKey fullKey(String keyId, String accountId) {
        List<KeyMaterial> materials = List.of(
                new KeyMaterial(MaterialId.random(), T0, null),
                new KeyMaterial(MaterialId.random(), T0.plus(Duration.ofDays(365)), RotationType.AUTOMATIC),
                new KeyMaterial(MaterialId.random(), T0.plus(Duration.ofDays(400)), RotationType.ON_DEMAND));
        return new KmsKey(keyId, accountId, "payments key", T0, KeyState.PendingDeletion,
                KeySpec.SYMMETRIC_DEFAULT, KeyUsage.ENCRYPT_DECRYPT, Origin.AWS_KMS, KeyManager.CUSTOMER,
                T0.plus(Duration.ofDays(30)), 30, new RotationSchedule(true, 180, T0.plus(Duration.ofDays(545))),
                materials, Map.of("team", "payments", "env", "prod"), POLICY, 0);
    }

    /** An enabled key with no optional field set, rotation off and one material. */
    protected static KmsKey plainKey(String keyId, String accountId) {
        return new KmsKey(keyId, accountId, null, T0, KeyState.Enabled, KeySpec.SYMMETRIC_DEFAULT,
                KeyUsage.ENCRYPT_DECRYPT, Origin.AWS_KMS, KeyManager.AWS, null, null, RotationSchedule.off(),
                List.of(new KeyMaterial(MaterialId.random(), T0, null)), Map.of(), null, 0);
    }

    private KmsKey stored(String keyId) {
        return store.findKey(keyId).orElseThrow();
    }

    private static Alias alias(String accountId, String name, String keyId) {
        return new Alias(accountId, name, keyId, T0, T0);
    }

    // ---- keys

    @Test
    void insertKey_withEveryField_roundTrips() {
        KmsKey key = fullKey("k1", ACCOUNT);
        store.insertKey(key);
        assertEquals(key, stored("k1"));
    }

    @Test
    void insertKey_withNullOptionalFields_roundTrips() {
        KmsKey key = plainKey("k1", ACCOUNT);
        store.insertKey(key);
        KmsKey found = stored("k1");
        assertEquals(key, found);
        assertEquals(null, found.description());
        assertEquals(null, found.deletionDate());
        assertEquals(null, found.pendingWindowInDays());
        assertEquals(null, found.rotation().nextRotation());
    }

    @Test
    void insertKey_keepsMaterialsOldestFirstWithRotationTypes() {
        KmsKey key = fullKey("k1", ACCOUNT);
        store.insertKey(key);
        List<KeyMaterial> materials = stored("k1").materials();
        assertEquals(key.materials(), materials);
        assertEquals(null, materials.get(0).rotationType());
        assertEquals(RotationType.AUTOMATIC, materials.get(1).rotationType());
        assertEquals(RotationType.ON_DEMAND, materials.get(2).rotationType());
        assertEquals(key.materials().get(2).id(), stored("k1").currentMaterial().id());
    }

    @Test
    void insertKey_keepsInstantsAtMillisecondPrecision() {
        Instant precise = Instant.parse("2025-01-02T03:04:05.678901234Z");
        KmsKey key = new KmsKey("k1", ACCOUNT, null, precise, KeyState.Enabled, KeySpec.SYMMETRIC_DEFAULT,
                KeyUsage.ENCRYPT_DECRYPT, Origin.AWS_KMS, KeyManager.CUSTOMER, null, null,
                new RotationSchedule(true, 90, precise),
                List.of(new KeyMaterial(MaterialId.random(), precise, null)), Map.of(), null, 0);
        store.insertKey(key);
        KmsKey found = stored("k1");
        Instant millis = Instant.parse("2025-01-02T03:04:05.678Z");
        assertEquals(millis, found.creationDate());
        assertEquals(millis, found.rotation().nextRotation());
        assertEquals(millis, found.currentMaterial().createdAt());
    }

    @Test
    void insertKey_withExistingKeyId_failsAlreadyExists() {
        store.insertKey(plainKey("k1", ACCOUNT));
        KmsException e = assertThrows(KmsException.class, () -> store.insertKey(plainKey("k1", ACCOUNT)));
        assertEquals(ErrorCode.ALREADY_EXISTS, e.code());
    }

    @Test
    void findKey_whenMissing_returnsEmpty() {
        assertTrue(store.findKey("nope").isEmpty());
    }

    @Test
    void listKeys_pagesInKeyIdOrderWithinOneAccount() {
        for (String id : List.of("k3", "k1", "k5", "k2", "k4")) {
            store.insertKey(plainKey(id, ACCOUNT));
        }
        store.insertKey(plainKey("k0", OTHER_ACCOUNT));
        store.insertKey(plainKey("k25", OTHER_ACCOUNT));

        assertEquals(List.of("k1", "k2"), ids(store.listKeys(ACCOUNT, null, 2)));
        assertEquals(List.of("k3", "k4"), ids(store.listKeys(ACCOUNT, "k2", 2)));
        assertEquals(List.of("k5"), ids(store.listKeys(ACCOUNT, "k4", 2)));
        assertEquals(List.of(), ids(store.listKeys(ACCOUNT, "k5", 2)));
        assertEquals(List.of("k0", "k25"), ids(store.listKeys(OTHER_ACCOUNT, null, 10)));
        assertEquals(List.of(), ids(store.listKeys("999999999999", null, 10)));
    }

    @Test
    void listKeys_returnsFullKeys() {
        KmsKey key = fullKey("k1", ACCOUNT);
        store.insertKey(key);
        assertEquals(List.of(key), store.listKeys(ACCOUNT, null, 10));
    }

    @Test
    void listKeys_withNonPositiveLimit_fails() {
        assertThrows(IllegalArgumentException.class, () -> store.listKeys(ACCOUNT, null, 0));
    }

    @Test
    void updateKey_replacesMutableFieldsAndBumpsVersion() {
        store.insertKey(fullKey("k1", ACCOUNT));
        KmsKey changed = stored("k1")
                .withDescription("renamed")
                .withState(KeyState.Disabled, null, null)
                .withRotation(RotationSchedule.off())
                .withTags(Map.of("team", "ledger"))
                .withPolicy("{\"Version\":\"2012-10-17\",\"Statement\":[{}]}");

        KmsKey returned = store.updateKey(changed);

        assertEquals(changed.withVersion(1), returned);
        assertEquals(returned, stored("k1"));
    }

    @Test
    void updateKey_twice_bumpsVersionEachTime() {
        store.insertKey(plainKey("k1", ACCOUNT));
        KmsKey first = store.updateKey(stored("k1").withDescription("a"));
        KmsKey second = store.updateKey(first.withDescription("b"));
        assertEquals(2, second.version());
        assertEquals("b", stored("k1").description());
        assertEquals(2, stored("k1").version());
    }

    @Test
    void updateKey_appendsNewMaterialsAfterStoredOnes() {
        store.insertKey(plainKey("k1", ACCOUNT));
        KmsKey key = stored("k1");
        List<KeyMaterial> materials = new ArrayList<>(key.materials());
        materials.add(new KeyMaterial(MaterialId.random(), T0.plusSeconds(60), RotationType.ON_DEMAND));
        materials.add(new KeyMaterial(MaterialId.random(), T0.plusSeconds(120), RotationType.AUTOMATIC));

        store.updateKey(key.withMaterials(materials));

        assertEquals(materials, stored("k1").materials());
    }

    @Test
    void updateKey_neverRemovesStoredMaterials() {
        store.insertKey(plainKey("k1", ACCOUNT));
        KmsKey key = stored("k1");
        KeyMaterial original = key.currentMaterial();
        KeyMaterial rotated = new KeyMaterial(MaterialId.random(), T0.plusSeconds(60), RotationType.ON_DEMAND);

        store.updateKey(key.withMaterials(List.of(rotated)));

        assertEquals(List.of(original, rotated), stored("k1").materials());
    }

    @Test
    void updateKey_replacesTags() {
        store.insertKey(fullKey("k1", ACCOUNT));
        store.updateKey(stored("k1").withTags(Map.of("env", "dev", "owner", "ops")));
        assertEquals(Map.of("env", "dev", "owner", "ops"), stored("k1").tags());
    }

    @Test
    void updateKey_withStaleVersion_fails() {
        store.insertKey(plainKey("k1", ACCOUNT));
        KmsKey stale = stored("k1");
        store.updateKey(stale.withDescription("winner"));

        KmsException e = assertThrows(KmsException.class, () -> store.updateKey(stale.withDescription("loser")));
        assertEquals(ErrorCode.CONFLICT, e.code());
        assertEquals("winner", stored("k1").description());
        assertEquals(1, stored("k1").version());
    }

    @Test
    void updateKey_whenMissing_failsNotFound() {
        KmsException e = assertThrows(KmsException.class, () -> store.updateKey(plainKey("k1", ACCOUNT)));
        assertEquals(ErrorCode.NOT_FOUND, e.code());
    }

    @Test
    void updateKey_fromConcurrentThreadsWithRetries_endsAtFinalVersion() throws Exception {
        store.insertKey(plainKey("k1", ACCOUNT));
        int threads = 8;
        int updatesPerThread = 20;
        Concurrently.onThreads(threads, thread -> {
            String name = "thread-" + thread;
            int conflicts = 0;
            for (int i = 0; i < updatesPerThread; i++) {
                while (true) {
                    KmsKey current = stored("k1");
                    try {
                        store.updateKey(current.withDescription(name + "-" + i));
                        break;
                    } catch (KmsException e) {
                        assertEquals(ErrorCode.CONFLICT, e.code());
                        conflicts++;
                    }
                }
            }
            return conflicts;
        });
        assertEquals(threads * updatesPerThread, stored("k1").version());
    }

    @Test
    void deleteKey_removesKeyMaterialsAndItsAliases() {
        store.insertKey(fullKey("k1", ACCOUNT));
        store.insertKey(plainKey("k2", ACCOUNT));
        store.insertAlias(alias(ACCOUNT, "alias/one", "k1"));
        store.insertAlias(alias(ACCOUNT, "alias/two", "k1"));
        store.insertAlias(alias(ACCOUNT, "alias/other", "k2"));

        store.deleteKey("k1");

        assertTrue(store.findKey("k1").isEmpty());
        assertTrue(store.findAlias(ACCOUNT, "alias/one").isEmpty());
        assertTrue(store.findAlias(ACCOUNT, "alias/two").isEmpty());
        assertEquals(List.of("alias/other"), names(store.listAliases(ACCOUNT, null, null, 10)));
        assertEquals(Set.of(stored("k2").currentMaterial().id()), store.allMaterialIds());
    }

    @Test
    void deleteKey_whenMissing_doesNothing() {
        store.insertKey(plainKey("k1", ACCOUNT));
        store.deleteKey("k2");
        assertTrue(store.findKey("k1").isPresent());
    }

    @Test
    void deleteKey_thenInsertSameId_succeeds() {
        store.insertKey(fullKey("k1", ACCOUNT));
        store.deleteKey("k1");
        KmsKey again = plainKey("k1", ACCOUNT);
        store.insertKey(again);
        assertEquals(again, stored("k1"));
    }

    @Test
    void findKeysDueAt_returnsKeysPendingDeletionAtOrBeforeNow() {
        Instant now = T0.plus(Duration.ofDays(10));
        store.insertKey(plainKey("due", ACCOUNT).withState(KeyState.PendingDeletion, now, 7));
        store.insertKey(plainKey("past", ACCOUNT).withState(KeyState.PendingDeletion, now.minusMillis(1), 7));
        store.insertKey(plainKey("later", ACCOUNT).withState(KeyState.PendingDeletion, now.plusMillis(1), 7));
        // A deletion date on a key no longer pending deletion (deletion cancelled) is not due.
        store.insertKey(plainKey("cancelled", ACCOUNT).withState(KeyState.Disabled, now.minusSeconds(5), null));

        assertEquals(List.of("due", "past"), ids(store.findKeysDueAt(now)));
    }

    @Test
    void findKeysDueAt_returnsKeysWhoseRotationIsDueInAnyState() {
        Instant now = T0.plus(Duration.ofDays(400));
        RotationSchedule due = new RotationSchedule(true, 365, now);
        store.insertKey(plainKey("enabled", ACCOUNT).withRotation(due));
        store.insertKey(plainKey("disabled", OTHER_ACCOUNT).withRotation(due).withState(KeyState.Disabled, null, null));
        store.insertKey(plainKey("later", ACCOUNT).withRotation(new RotationSchedule(true, 365, now.plusMillis(1))));
        store.insertKey(plainKey("off", ACCOUNT));
        store.insertKey(plainKey("offWithDate", ACCOUNT).withRotation(new RotationSchedule(false, 365, now)));

        assertEquals(List.of("disabled", "enabled"), ids(store.findKeysDueAt(now)));
        assertEquals(due, store.findKeysDueAt(now).get(0).rotation());
    }

    @Test
    void findKeysDueAt_withNothingDue_returnsEmpty() {
        store.insertKey(fullKey("k1", ACCOUNT));
        assertEquals(List.of(), store.findKeysDueAt(T0));
    }

    @Test
    void allMaterialIds_returnsMaterialsOfEveryKeyAndAccount() {
        KmsKey a = fullKey("k1", ACCOUNT);
        KmsKey b = plainKey("k2", OTHER_ACCOUNT);
        store.insertKey(a);
        store.insertKey(b);
        KeyMaterial rotated = new KeyMaterial(MaterialId.random(), T0.plusSeconds(1), RotationType.ON_DEMAND);
        store.updateKey(stored("k2").withMaterials(List.of(b.currentMaterial(), rotated)));

        Set<MaterialId> expected = new HashSet<>();
        a.materials().forEach(m -> expected.add(m.id()));
        expected.add(b.currentMaterial().id());
        expected.add(rotated.id());
        assertEquals(expected, store.allMaterialIds());
    }

    @Test
    void allMaterialIds_whenEmpty_returnsEmptySet() {
        assertEquals(Set.of(), store.allMaterialIds());
    }

    // ---- aliases

    @Test
    void insertAlias_thenFindAlias_roundTrips() {
        store.insertKey(plainKey("k1", ACCOUNT));
        Alias alias = new Alias(ACCOUNT, "alias/payments", "k1", T0, T0.plusSeconds(5));
        store.insertAlias(alias);
        assertEquals(alias, store.findAlias(ACCOUNT, "alias/payments").orElseThrow());
    }

    @Test
    void insertAlias_withExistingName_failsAlreadyExists() {
        store.insertKey(plainKey("k1", ACCOUNT));
        store.insertKey(plainKey("k2", ACCOUNT));
        store.insertAlias(alias(ACCOUNT, "alias/payments", "k1"));

        KmsException e = assertThrows(KmsException.class,
                () -> store.insertAlias(alias(ACCOUNT, "alias/payments", "k2")));

        assertEquals(ErrorCode.ALREADY_EXISTS, e.code());
        assertEquals("An alias with the name alias/payments already exists", e.getMessage());
        assertEquals("k1", store.findAlias(ACCOUNT, "alias/payments").orElseThrow().targetKeyId());
    }

    @Test
    void insertAlias_withSameNameInAnotherAccount_succeeds() {
        store.insertKey(plainKey("k1", ACCOUNT));
        store.insertKey(plainKey("k2", OTHER_ACCOUNT));
        store.insertAlias(alias(ACCOUNT, "alias/payments", "k1"));
        store.insertAlias(alias(OTHER_ACCOUNT, "alias/payments", "k2"));
        assertEquals("k2", store.findAlias(OTHER_ACCOUNT, "alias/payments").orElseThrow().targetKeyId());
    }

    @Test
    void insertAlias_forMissingKey_failsNotFound() {
        KmsException e = assertThrows(KmsException.class,
                () -> store.insertAlias(alias(ACCOUNT, "alias/payments", "nope")));
        assertEquals(ErrorCode.NOT_FOUND, e.code());
        assertTrue(store.findAlias(ACCOUNT, "alias/payments").isEmpty());
    }

    @Test
    void findAlias_whenMissing_returnsEmpty() {
        assertTrue(store.findAlias(ACCOUNT, "alias/nope").isEmpty());
    }

    @Test
    void updateAlias_pointsAtAnotherKeyAndKeepsCreationDate() {
        store.insertKey(plainKey("k1", ACCOUNT));
        store.insertKey(plainKey("k2", ACCOUNT));
        store.insertAlias(alias(ACCOUNT, "alias/payments", "k1"));
        Instant later = T0.plusSeconds(3600);

        store.updateAlias(new Alias(ACCOUNT, "alias/payments", "k2", later, later));

        assertEquals(new Alias(ACCOUNT, "alias/payments", "k2", T0, later),
                store.findAlias(ACCOUNT, "alias/payments").orElseThrow());
    }

    @Test
    void updateAlias_whenMissing_failsNotFound() {
        store.insertKey(plainKey("k1", ACCOUNT));
        KmsException e = assertThrows(KmsException.class,
                () -> store.updateAlias(alias(ACCOUNT, "alias/nope", "k1")));
        assertEquals(ErrorCode.NOT_FOUND, e.code());
    }

    @Test
    void updateAlias_toMissingKey_failsNotFound() {
        store.insertKey(plainKey("k1", ACCOUNT));
        store.insertAlias(alias(ACCOUNT, "alias/payments", "k1"));
        KmsException e = assertThrows(KmsException.class,
                () -> store.updateAlias(alias(ACCOUNT, "alias/payments", "nope")));
        assertEquals(ErrorCode.NOT_FOUND, e.code());
        assertEquals("k1", store.findAlias(ACCOUNT, "alias/payments").orElseThrow().targetKeyId());
    }

    @Test
    void deleteAlias_removesOnlyThatAlias() {
        store.insertKey(plainKey("k1", ACCOUNT));
        store.insertAlias(alias(ACCOUNT, "alias/a", "k1"));
        store.insertAlias(alias(ACCOUNT, "alias/b", "k1"));

        store.deleteAlias(ACCOUNT, "alias/a");

        assertTrue(store.findAlias(ACCOUNT, "alias/a").isEmpty());
        assertTrue(store.findAlias(ACCOUNT, "alias/b").isPresent());
        assertTrue(store.findKey("k1").isPresent());
    }

    @Test
    void deleteAlias_whenMissing_doesNothing() {
        store.deleteAlias(ACCOUNT, "alias/nope");
        assertTrue(store.findAlias(ACCOUNT, "alias/nope").isEmpty());
    }

    @Test
    void listAliases_pagesInNameOrderWithinOneAccount() {
        store.insertKey(plainKey("k1", ACCOUNT));
        store.insertKey(plainKey("k2", OTHER_ACCOUNT));
        for (String name : List.of("alias/c", "alias/a", "alias/e", "alias/b", "alias/d")) {
            store.insertAlias(alias(ACCOUNT, name, "k1"));
        }
        store.insertAlias(alias(OTHER_ACCOUNT, "alias/aa", "k2"));

        assertEquals(List.of("alias/a", "alias/b"), names(store.listAliases(ACCOUNT, null, null, 2)));
        assertEquals(List.of("alias/c", "alias/d"), names(store.listAliases(ACCOUNT, null, "alias/b", 2)));
        assertEquals(List.of("alias/e"), names(store.listAliases(ACCOUNT, null, "alias/d", 2)));
        assertEquals(List.of(), names(store.listAliases(ACCOUNT, null, "alias/e", 2)));
        assertEquals(List.of("alias/aa"), names(store.listAliases(OTHER_ACCOUNT, null, null, 10)));
    }

    @Test
    void listAliases_ofOneKey_returnsOnlyItsAliasesPaged() {
        store.insertKey(plainKey("k1", ACCOUNT));
        store.insertKey(plainKey("k2", ACCOUNT));
        store.insertAlias(alias(ACCOUNT, "alias/a", "k1"));
        store.insertAlias(alias(ACCOUNT, "alias/b", "k2"));
        store.insertAlias(alias(ACCOUNT, "alias/c", "k1"));
        store.insertAlias(alias(ACCOUNT, "alias/d", "k1"));

        assertEquals(List.of("alias/a", "alias/c"), names(store.listAliases(ACCOUNT, "k1", null, 2)));
        assertEquals(List.of("alias/d"), names(store.listAliases(ACCOUNT, "k1", "alias/c", 2)));
        assertEquals(List.of("alias/b"), names(store.listAliases(ACCOUNT, "k2", null, 10)));
        assertEquals(List.of(), names(store.listAliases(OTHER_ACCOUNT, "k1", null, 10)));
    }

    @Test
    void listAliases_withNonPositiveLimit_fails() {
        assertThrows(IllegalArgumentException.class, () -> store.listAliases(ACCOUNT, null, null, 0));
    }

    private static List<String> ids(List<KmsKey> keys) {
        return keys.stream().map(KmsKey::keyId).toList();
    }

    private static List<String> names(List<Alias> aliases) {
        return aliases.stream().map(Alias::aliasName).toList();
    }
}
