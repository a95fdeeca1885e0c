package dev.kms.core.service;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.fake.FakePrincipalDirectory;
import dev.kms.core.fake.MutableClock;
import dev.kms.core.fake.TestPolicyParser;
import dev.kms.core.identity.Principal;
import dev.kms.core.identity.RequestContext;
import dev.kms.core.identity.ServiceKeys;
import dev.kms.core.model.Alias;
import dev.kms.core.model.Deployment;
import dev.kms.core.model.EncryptionAlgorithm;
import dev.kms.core.model.KeyManager;
import dev.kms.core.model.KeyMaterial;
import dev.kms.core.model.KeyRef;
import dev.kms.core.model.KeySpec;
import dev.kms.core.model.KeyState;
import dev.kms.core.model.KeyUsage;
import dev.kms.core.model.KmsKey;
import dev.kms.core.model.MacAlgorithm;
import dev.kms.core.model.MaterialId;
import dev.kms.core.model.Origin;
import dev.kms.core.model.Page;
import dev.kms.core.model.RotationType;
import dev.kms.core.port.Hsm;
import dev.kms.core.port.MetadataStore;
import dev.kms.core.service.CryptoResults.DataKey;
import dev.kms.core.service.CryptoResults.Encrypted;
import dev.kms.core.service.CryptoResults.Mac;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every operation and every documented error of the key service, run against the in-memory fakes
 * here and against a real SoftHSM2 token and SQLite file by the adapter modules.
 */
public abstract class KmsScenarios {
    protected static final Deployment DEPLOYMENT = new Deployment("aws", "us-east-1", "111122223333");
    /** The local operator: the root of the deployment's account. */
    protected static final RequestContext ROOT = RequestContext.direct(Principal.root("aws", "111122223333"), null, null);
    private static final byte[] SECRET = "attack at dawn".getBytes(StandardCharsets.UTF_8);
    private static final Map<String, String> CONTEXT = Map.of("purpose", "test", "tenant", "acme");

    protected MutableClock clock;
    protected Hsm hsm;
    protected MetadataStore store;
    protected Kms kms;

    /** A fresh HSM with no keys of earlier tests visible to the assertions that list token objects. */
    protected abstract Hsm newHsm();

    protected abstract MetadataStore newStore();

    @BeforeEach
    void createService() {
        clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        hsm = newHsm();
        store = newStore();
        kms = Kms.create(DEPLOYMENT, hsm, store, new TestPolicyParser(), new FakePrincipalDirectory("111122223333"), clock);
    }

    protected KmsKey newKey() {
        return kms.keys().createKey(ROOT, CreateKeyRequest.defaults());
    }

    private static void assertError(ErrorCode expected, String messagePart, Executable call) {
        KmsException e = assertThrows(KmsException.class, call);
        assertEquals(expected, e.code(), () -> "message was: " + e.getMessage());
        assertTrue(e.getMessage().contains(messagePart), () -> "message was: " + e.getMessage());
    }

    private Set<MaterialId> tokenMaterialIds() {
        Set<MaterialId> ids = new HashSet<>();
        hsm.listKeys().forEach(o -> ids.add(o.id()));
        return ids;
    }

    private byte[] decrypt(byte[] blob, Map<String, String> context) {
        return kms.crypto().decrypt(ROOT, blob, context, null, null).plaintext().bytes();
    }

    /** A KeyId member as the API edge parses it. */
    public static KeyRef ref(String text) {
        return KeyRef.parse(text, "keyId");
    }

    // ---- CreateKey, DescribeKey, ListKeys, UpdateKeyDescription -------------------------------------

    @Test
    void createKey_withDefaults_hasAwsDefaultsAndOneTokenObject() {
        KmsKey key = kms.keys().createKey(ROOT, new CreateKeyRequest("payments", null, null, Map.of("team", "core")));

        assertEquals(KeyState.Enabled, key.state());
        assertEquals(KeySpec.SYMMETRIC_DEFAULT, key.keySpec());
        assertEquals(KeyUsage.ENCRYPT_DECRYPT, key.keyUsage());
        assertEquals(Origin.AWS_KMS, key.origin());
        assertEquals(KeyManager.CUSTOMER, key.keyManager());
        assertEquals("111122223333", key.accountId());
        assertEquals(clock.instant(), key.creationDate());
        assertEquals(1, key.materials().size());
        assertEquals(Map.of("team", "core"), key.tags());
        assertTrue(hsm.listKeys().contains(new Hsm.TokenObject(key.currentMaterial().id(), "kms/" + key.keyId() + "/1")));
        assertEquals(key, kms.keys().describeKey(ROOT, ref(key.keyId())));
    }

    @Test
    void createKey_withTooLongDescription_failsValidationAndCreatesNothing() {
        int before = hsm.listKeys().size();
        assertError(ErrorCode.VALIDATION, "description", () -> kms.keys().createKey(ROOT, 
                new CreateKeyRequest("x".repeat(8193), null, null, null)));
        assertEquals(before, hsm.listKeys().size());
    }

    @Test
    void createKey_withIncompatibleUsage_failsValidation() {
        assertError(ErrorCode.VALIDATION, "keyUsage", () -> kms.keys().createKey(ROOT, 
                new CreateKeyRequest(null, KeySpec.SYMMETRIC_DEFAULT, KeyUsage.SIGN_VERIFY, null)));
    }

    @Test
    void createKey_withHmacSpecAndEncryptUsage_failsValidationAndCreatesNothing() {
        int before = hsm.listKeys().size();
        assertError(ErrorCode.VALIDATION, "keyUsage", () -> kms.keys().createKey(ROOT,
                new CreateKeyRequest(null, KeySpec.HMAC_256, KeyUsage.ENCRYPT_DECRYPT, null)));
        assertEquals(before, hsm.listKeys().size());
    }

    // ---- HMAC keys: GenerateMac, VerifyMac --------------------------------------------------------------

    private KmsKey newHmacKey(KeySpec spec) {
        return kms.keys().createKey(ROOT, new CreateKeyRequest(null, spec, null, null));
    }

    @Test
    void hmacKeys_ofEverySpec_generateAndVerifyTheirMac() {
        for (KeySpec spec : List.of(KeySpec.HMAC_224, KeySpec.HMAC_256, KeySpec.HMAC_384, KeySpec.HMAC_512)) {
            KmsKey key = newHmacKey(spec);
            assertEquals(KeyUsage.GENERATE_VERIFY_MAC, key.keyUsage(), spec.name());
            assertTrue(tokenMaterialIds().contains(key.currentMaterial().id()), spec.name());
            MacAlgorithm algorithm = spec.macAlgorithms().get(0);

            Mac mac = kms.crypto().generateMac(ROOT, ref(key.keyId()), SECRET, algorithm);
            assertEquals(DEPLOYMENT.keyArn(key.keyId()), mac.keyArn());
            assertEquals(algorithm, mac.macAlgorithm());
            assertEquals(algorithm.length(), mac.mac().length, spec.name());
            assertArrayEquals(mac.mac(), kms.crypto().generateMac(ROOT, ref(key.keyId()), SECRET, algorithm).mac());

            Mac verified = kms.crypto().verifyMac(ROOT, ref(key.keyId()), SECRET, algorithm, mac.mac());
            assertEquals(DEPLOYMENT.keyArn(key.keyId()), verified.keyArn());
            assertEquals(algorithm, verified.macAlgorithm());
        }
    }

    @Test
    void verifyMac_withAnyChangedInput_failsInvalidMac() {
        KmsKey key = newHmacKey(KeySpec.HMAC_256);
        KmsKey other = newHmacKey(KeySpec.HMAC_256);
        byte[] mac = kms.crypto().generateMac(ROOT, ref(key.keyId()), SECRET, MacAlgorithm.HMAC_SHA_256).mac();
        byte[] flipped = mac.clone();
        flipped[0] ^= 1;
        String mismatch = "does not match";
        assertError(ErrorCode.INVALID_MAC, mismatch,
                () -> kms.crypto().verifyMac(ROOT, ref(key.keyId()), SECRET, MacAlgorithm.HMAC_SHA_256, flipped));
        assertError(ErrorCode.INVALID_MAC, mismatch, () -> kms.crypto().verifyMac(ROOT, ref(key.keyId()),
                "attack at dusk".getBytes(StandardCharsets.UTF_8), MacAlgorithm.HMAC_SHA_256, mac));
        assertError(ErrorCode.INVALID_MAC, mismatch,
                () -> kms.crypto().verifyMac(ROOT, ref(other.keyId()), SECRET, MacAlgorithm.HMAC_SHA_256, mac));
        assertError(ErrorCode.INVALID_MAC, mismatch, () -> kms.crypto().verifyMac(ROOT, ref(key.keyId()), SECRET,
                MacAlgorithm.HMAC_SHA_256, Arrays.copyOf(mac, 16)));
    }

    @Test
    void macOperations_withTheWrongKeyOrAlgorithm_failInvalidKeyUsage() {
        KmsKey hmac = newHmacKey(KeySpec.HMAC_256);
        KmsKey aes = newKey();
        assertError(ErrorCode.INVALID_KEY_USAGE, "HMAC_SHA_384 is not supported by a HMAC_256 key",
                () -> kms.crypto().generateMac(ROOT, ref(hmac.keyId()), SECRET, MacAlgorithm.HMAC_SHA_384));
        assertError(ErrorCode.INVALID_KEY_USAGE, "not GENERATE_VERIFY_MAC",
                () -> kms.crypto().generateMac(ROOT, ref(aes.keyId()), SECRET, MacAlgorithm.HMAC_SHA_256));
        assertError(ErrorCode.INVALID_KEY_USAGE, "not GENERATE_VERIFY_MAC", () -> kms.crypto().verifyMac(ROOT,
                ref(aes.keyId()), SECRET, MacAlgorithm.HMAC_SHA_256, new byte[32]));
        assertError(ErrorCode.INVALID_KEY_USAGE, "not ENCRYPT_DECRYPT",
                () -> kms.crypto().encrypt(ROOT, ref(hmac.keyId()), SECRET, null, null));
        assertError(ErrorCode.INVALID_KEY_USAGE, "not ENCRYPT_DECRYPT", () -> kms.crypto().generateDataKey(ROOT,
                ref(hmac.keyId()), null, DataKeySpec.AES_256, null, true));
    }

    @Test
    void macOperations_withBadInput_failValidation() {
        KmsKey key = newHmacKey(KeySpec.HMAC_512);
        assertError(ErrorCode.VALIDATION, "'message'",
                () -> kms.crypto().generateMac(ROOT, ref(key.keyId()), new byte[0], MacAlgorithm.HMAC_SHA_512));
        assertError(ErrorCode.VALIDATION, "between 1 and 4096",
                () -> kms.crypto().generateMac(ROOT, ref(key.keyId()), new byte[4097], MacAlgorithm.HMAC_SHA_512));
        assertError(ErrorCode.VALIDATION, "'macAlgorithm'",
                () -> kms.crypto().generateMac(ROOT, ref(key.keyId()), SECRET, null));
        assertError(ErrorCode.VALIDATION, "'mac'", () -> kms.crypto().verifyMac(ROOT, ref(key.keyId()), SECRET,
                MacAlgorithm.HMAC_SHA_512, new byte[0]));
        assertError(ErrorCode.VALIDATION, "between 1 and 6144", () -> kms.crypto().verifyMac(ROOT,
                ref(key.keyId()), SECRET, MacAlgorithm.HMAC_SHA_512, new byte[6145]));
        assertEquals(64, kms.crypto().generateMac(ROOT, ref(key.keyId()), new byte[4096],
                MacAlgorithm.HMAC_SHA_512).mac().length);
    }

    @Test
    void hmacKeys_whenDisabled_failDisabled_andRefuseRotation() {
        KmsKey key = newHmacKey(KeySpec.HMAC_384);
        assertError(ErrorCode.UNSUPPORTED_OPERATION, "does not support rotation",
                () -> kms.rotation().enableKeyRotation(ROOT, ref(key.keyId()), null));
        assertError(ErrorCode.UNSUPPORTED_OPERATION, "does not support rotation",
                () -> kms.rotation().rotateKeyOnDemand(ROOT, ref(key.keyId())));
        kms.keys().disableKey(ROOT, ref(key.keyId()));
        assertError(ErrorCode.DISABLED, "is disabled",
                () -> kms.crypto().generateMac(ROOT, ref(key.keyId()), SECRET, MacAlgorithm.HMAC_SHA_384));
        assertError(ErrorCode.DISABLED, "is disabled", () -> kms.crypto().verifyMac(ROOT, ref(key.keyId()), SECRET,
                MacAlgorithm.HMAC_SHA_384, new byte[48]));
    }

    @Test
    void createKey_withReservedTagPrefix_failsTag() {
        assertError(ErrorCode.TAG, "aws:", () -> kms.keys().createKey(ROOT, 
                new CreateKeyRequest(null, null, null, Map.of("aws:owner", "me"))));
    }

    @Test
    void describeKey_acceptsIdArnAliasAndAliasArn() {
        KmsKey key = newKey();
        kms.aliases().createAlias(ROOT, "alias/app", ref(key.keyId()));

        assertEquals(key.keyId(), kms.keys().describeKey(ROOT, ref(DEPLOYMENT.keyArn(key.keyId()))).keyId());
        assertEquals(key.keyId(), kms.keys().describeKey(ROOT, ref("alias/app")).keyId());
        assertEquals(key.keyId(), kms.keys().describeKey(ROOT, ref("arn:aws:kms:us-east-1:111122223333:alias/app")).keyId());
    }

    @Test
    void describeKey_withUnknownKey_failsNotFound_andForeignKey_failsAccessDenied() {
        KmsKey key = newKey();
        assertError(ErrorCode.NOT_FOUND, "does not exist", () -> kms.keys().describeKey(ROOT, ref("00000000-0000-4000-8000-000000000000")));
        assertError(ErrorCode.NOT_FOUND, "does not exist",
                () -> kms.keys().describeKey(ROOT, ref("arn:aws:kms:eu-west-1:111122223333:key/" + key.keyId())));
        // Another account's key named by ARN: the same denial whether or not it exists (no existence oracle).
        assertError(ErrorCode.ACCESS_DENIED, "is not authorized to perform: kms:DescribeKey",
                () -> kms.keys().describeKey(ROOT, ref("arn:aws:kms:us-east-1:999999999999:key/" + key.keyId())));
        assertError(ErrorCode.NOT_FOUND, "is not found", () -> kms.keys().describeKey(ROOT, ref("alias/none")));
        assertError(ErrorCode.NOT_FOUND, "Invalid keyId", () -> kms.keys().describeKey(ROOT, ref("not-a-key")));
        assertError(ErrorCode.INVALID_ARN, "Invalid arn", () -> kms.keys().describeKey(ROOT, ref("arn:aws:kms:broken")));
        assertError(ErrorCode.VALIDATION, "keyId", () -> kms.keys().describeKey(ROOT, ref("")));
    }

    @Test
    void listKeys_pagesThroughAllKeysInOrder() {
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(newKey().keyId());
        }
        List<String> seen = new ArrayList<>();
        String marker = null;
        int pages = 0;
        do {
            Page<KmsKey> page = kms.keys().listKeys(ROOT, 2, marker);
            page.items().forEach(k -> seen.add(k.keyId()));
            marker = page.nextMarker();
            pages++;
        } while (marker != null);

        assertEquals(3, pages);
        assertEquals(created.stream().sorted().toList(), seen);
    }

    @Test
    void listKeys_withBadLimitOrMarker_fails() {
        assertError(ErrorCode.VALIDATION, "limit", () -> kms.keys().listKeys(ROOT, 0, null));
        assertError(ErrorCode.VALIDATION, "limit", () -> kms.keys().listKeys(ROOT, 1001, null));
        assertError(ErrorCode.INVALID_MARKER, "marker", () -> kms.keys().listKeys(ROOT, 10, "%%%"));
    }

    @Test
    void updateKeyDescription_changesOnlyTheDescription() {
        KmsKey key = newKey();
        KmsKey updated = kms.keys().updateKeyDescription(ROOT, ref(key.keyId()), "new text");
        assertEquals("new text", kms.keys().describeKey(ROOT, ref(key.keyId())).description());
        assertEquals(key.materials(), updated.materials());
        assertError(ErrorCode.VALIDATION, "description", () -> kms.keys().updateKeyDescription(ROOT, ref(key.keyId()), "y".repeat(8193)));
    }

    // ---- EnableKey, DisableKey, ScheduleKeyDeletion, CancelKeyDeletion, deletion ------------------

    @Test
    void disabledKey_refusesCryptoWithDisabledException_andStaysDescribable() {
        KmsKey key = newKey();
        byte[] blob = kms.crypto().encrypt(ROOT, ref(key.keyId()), SECRET, null, null).ciphertextBlob();
        kms.keys().disableKey(ROOT, ref(key.keyId()));

        assertEquals(KeyState.Disabled, kms.keys().describeKey(ROOT, ref(key.keyId())).state());
        assertError(ErrorCode.DISABLED, "is disabled", () -> kms.crypto().encrypt(ROOT, ref(key.keyId()), SECRET, null, null));
        assertError(ErrorCode.DISABLED, "is disabled", () -> decrypt(blob, null));
        assertError(ErrorCode.DISABLED, "is disabled",
                () -> kms.crypto().generateDataKey(ROOT, ref(key.keyId()), null, DataKeySpec.AES_256, null, true));

        kms.keys().enableKey(ROOT, ref(key.keyId()));
        assertArrayEquals(SECRET, decrypt(blob, null));
    }

    @Test
    void pendingDeletionKey_refusesCryptoAndChanges_withKmsInvalidState() {
        KmsKey key = newKey();
        byte[] blob = kms.crypto().encrypt(ROOT, ref(key.keyId()), SECRET, null, null).ciphertextBlob();
        KmsKey scheduled = kms.keys().scheduleKeyDeletion(ROOT, ref(key.keyId()), null);

        assertEquals(KeyState.PendingDeletion, scheduled.state());
        assertEquals(30, scheduled.pendingWindowInDays());
        assertEquals(clock.instant().plus(Duration.ofDays(30)), scheduled.deletionDate());
        assertError(ErrorCode.INVALID_STATE, "pending deletion", () -> kms.crypto().encrypt(ROOT, ref(key.keyId()), SECRET, null, null));
        assertError(ErrorCode.INVALID_STATE, "pending deletion", () -> decrypt(blob, null));
        assertError(ErrorCode.INVALID_STATE, "pending deletion", () -> kms.keys().enableKey(ROOT, ref(key.keyId())));
        assertError(ErrorCode.INVALID_STATE, "pending deletion", () -> kms.keys().disableKey(ROOT, ref(key.keyId())));
        assertError(ErrorCode.INVALID_STATE, "pending deletion", () -> kms.keys().scheduleKeyDeletion(ROOT, ref(key.keyId()), 7));
        assertError(ErrorCode.INVALID_STATE, "pending deletion", () -> kms.rotation().rotateKeyOnDemand(ROOT, ref(key.keyId())));
        assertEquals(KeyState.PendingDeletion, kms.keys().describeKey(ROOT, ref(key.keyId())).state());
    }

    @Test
    void scheduleKeyDeletion_withWindowOutsideSevenToThirty_failsValidation() {
        KmsKey key = newKey();
        assertError(ErrorCode.VALIDATION, "pendingWindowInDays", () -> kms.keys().scheduleKeyDeletion(ROOT, ref(key.keyId()), 6));
        assertError(ErrorCode.VALIDATION, "pendingWindowInDays", () -> kms.keys().scheduleKeyDeletion(ROOT, ref(key.keyId()), 31));
        assertEquals(KeyState.Enabled, kms.keys().describeKey(ROOT, ref(key.keyId())).state());
    }

    @Test
    void cancelKeyDeletion_leavesTheKeyDisabled() {
        KmsKey key = newKey();
        assertError(ErrorCode.INVALID_STATE, "not pending deletion", () -> kms.keys().cancelKeyDeletion(ROOT, ref(key.keyId())));
        kms.keys().scheduleKeyDeletion(ROOT, ref(key.keyId()), 7);

        KmsKey cancelled = kms.keys().cancelKeyDeletion(ROOT, ref(key.keyId()));

        assertEquals(KeyState.Disabled, cancelled.state());
        assertNull(cancelled.deletionDate());
        assertNull(cancelled.pendingWindowInDays());
    }

    @Test
    void deletion_whenDateIsReached_destroysEveryTokenObjectAndTheKey() {
        KmsKey key = newKey();
        kms.aliases().createAlias(ROOT, "alias/doomed", ref(key.keyId()));
        kms.rotation().rotateKeyOnDemand(ROOT, ref(key.keyId()));
        byte[] blob = kms.crypto().encrypt(ROOT, ref(key.keyId()), SECRET, null, null).ciphertextBlob();
        List<MaterialId> materials = kms.keys().describeKey(ROOT, ref(key.keyId())).materials().stream().map(KeyMaterial::id).toList();
        assertTrue(tokenMaterialIds().containsAll(materials));
        kms.keys().scheduleKeyDeletion(ROOT, ref(key.keyId()), 7);

        clock.advance(Duration.ofDays(7).minusSeconds(1));
        assertTrue(kms.maintenance().runDue().deletedKeyIds().isEmpty());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(List.of(key.keyId()), kms.maintenance().runDue().deletedKeyIds());

        for (MaterialId id : materials) {
            assertFalse(tokenMaterialIds().contains(id), "token object " + id + " still exists");
        }
        assertError(ErrorCode.NOT_FOUND, "does not exist", () -> kms.keys().describeKey(ROOT, ref(key.keyId())));
        assertError(ErrorCode.NOT_FOUND, "is not found", () -> kms.keys().describeKey(ROOT, ref("alias/doomed")));
        assertError(ErrorCode.INVALID_CIPHERTEXT, "ciphertext", () -> decrypt(blob, null));
    }

    // ---- Tags ----------------------------------------------------------------------------------

    @Test
    void tags_areAddedListedInOrderAndRemoved() {
        KmsKey key = newKey();
        kms.keys().tagResource(ROOT, ref(key.keyId()), Map.of("b", "2", "a", "1", "c", "3"));
        kms.keys().tagResource(ROOT, ref(key.keyId()), Map.of("a", "one"));
        kms.keys().untagResource(ROOT, ref(key.keyId()), List.of("c"));

        Page<Map.Entry<String, String>> first = kms.keys().listResourceTags(ROOT, ref(key.keyId()), 1, null);
        Page<Map.Entry<String, String>> second = kms.keys().listResourceTags(ROOT, ref(key.keyId()), 1, first.nextMarker());

        assertEquals(List.of(Map.entry("a", "one")), first.items());
        assertEquals(List.of(Map.entry("b", "2")), second.items());
        assertNull(second.nextMarker());
    }

    @Test
    void tagResource_beyondFiftyTags_failsLimitExceeded() {
        KmsKey key = newKey();
        Map<String, String> fifty = new java.util.HashMap<>();
        for (int i = 0; i < 50; i++) {
            fifty.put("k" + i, "v");
        }
        kms.keys().tagResource(ROOT, ref(key.keyId()), fifty);
        assertError(ErrorCode.LIMIT_EXCEEDED, "50", () -> kms.keys().tagResource(ROOT, ref(key.keyId()), Map.of("one-more", "v")));
        assertError(ErrorCode.TAG, "128", () -> kms.keys().tagResource(ROOT, ref(key.keyId()), Map.of("k".repeat(129), "v")));
        assertError(ErrorCode.VALIDATION, "tagKeys", () -> kms.keys().untagResource(ROOT, ref(key.keyId()), List.of()));
    }

    // ---- Aliases --------------------------------------------------------------------------------

    @Test
    void aliases_areCreatedUpdatedListedAndDeleted() {
        KmsKey first = newKey();
        KmsKey second = newKey();
        kms.aliases().createAlias(ROOT, "alias/app", ref(first.keyId()));
        kms.aliases().createAlias(ROOT, "alias/app-backup", ref(DEPLOYMENT.keyArn(first.keyId())));

        assertEquals(2, kms.aliases().listAliases(ROOT, ref(first.keyId()), null, null).items().size());
        clock.advance(Duration.ofMinutes(1));
        Alias updated = kms.aliases().updateAlias(ROOT, "alias/app", ref(second.keyId()));
        assertEquals(second.keyId(), kms.keys().describeKey(ROOT, ref("alias/app")).keyId());
        assertTrue(updated.lastUpdatedDate().isAfter(updated.creationDate()));
        assertEquals(List.of("alias/app"), kms.aliases().listAliases(ROOT, ref(second.keyId()), null, null).items().stream()
                .map(Alias::aliasName).toList());

        kms.aliases().deleteAlias(ROOT, "alias/app");
        assertError(ErrorCode.NOT_FOUND, "is not found", () -> kms.aliases().deleteAlias(ROOT, "alias/app"));
        Page<Alias> all = kms.aliases().listAliases(ROOT, null, 1, null);
        assertEquals(List.of("alias/app-backup"), all.items().stream().map(Alias::aliasName).toList());
        assertNull(all.nextMarker());
    }

    @Test
    void createAlias_withTakenReservedOrInvalidName_fails() {
        KmsKey key = newKey();
        kms.aliases().createAlias(ROOT, "alias/app", ref(key.keyId()));

        assertError(ErrorCode.ALREADY_EXISTS, "alias/app", () -> kms.aliases().createAlias(ROOT, "alias/app", ref(key.keyId())));
        assertError(ErrorCode.INVALID_ALIAS_NAME, "reserved", () -> kms.aliases().createAlias(ROOT, "alias/aws/s3", ref(key.keyId())));
        assertError(ErrorCode.INVALID_ALIAS_NAME, "not valid", () -> kms.aliases().createAlias(ROOT, "app", ref(key.keyId())));
        assertError(ErrorCode.INVALID_ALIAS_NAME, "not valid", () -> kms.aliases().createAlias(ROOT, "alias/sp ace", ref(key.keyId())));
        assertError(ErrorCode.VALIDATION, "targetKeyId", () -> kms.aliases().createAlias(ROOT, "alias/other", ref("alias/app")));
        assertError(ErrorCode.NOT_FOUND, "does not exist",
                () -> kms.aliases().createAlias(ROOT, "alias/other", ref("00000000-0000-4000-8000-000000000000")));
    }

    @Test
    void createAlias_forKeyPendingDeletion_failsInvalidState() {
        KmsKey key = newKey();
        kms.keys().scheduleKeyDeletion(ROOT, ref(key.keyId()), 7);
        assertError(ErrorCode.INVALID_STATE, "pending deletion", () -> kms.aliases().createAlias(ROOT, "alias/late", ref(key.keyId())));
    }

    // ---- Encrypt, Decrypt, ReEncrypt ------------------------------------------------------------

    @Test
    void encryptDecrypt_roundTripsWithContextInAnyOrder_andKeyIdOptional() {
        KmsKey key = newKey();
        kms.aliases().createAlias(ROOT, "alias/app", ref(key.keyId()));
        Encrypted encrypted = kms.crypto().encrypt(ROOT, ref("alias/app"), SECRET, CONTEXT, null);

        assertEquals(DEPLOYMENT.keyArn(key.keyId()), encrypted.keyArn());
        assertEquals(EncryptionAlgorithm.SYMMETRIC_DEFAULT, encrypted.encryptionAlgorithm());
        var reordered = new java.util.TreeMap<>(Map.of("tenant", "acme", "purpose", "test"));
        assertArrayEquals(SECRET, decrypt(encrypted.ciphertextBlob(), reordered));
        var withKeyId = kms.crypto().decrypt(ROOT, encrypted.ciphertextBlob(), CONTEXT, ref("alias/app"), EncryptionAlgorithm.SYMMETRIC_DEFAULT);
        assertArrayEquals(SECRET, withKeyId.plaintext().bytes());
        assertEquals(DEPLOYMENT.keyArn(key.keyId()), withKeyId.keyArn());
    }

    @Test
    void decrypt_withWrongMissingOrExtraContext_failsInvalidCiphertext() {
        KmsKey key = newKey();
        byte[] blob = kms.crypto().encrypt(ROOT, ref(key.keyId()), SECRET, CONTEXT, null).ciphertextBlob();

        assertError(ErrorCode.INVALID_CIPHERTEXT, "ciphertext", () -> decrypt(blob, null));
        assertError(ErrorCode.INVALID_CIPHERTEXT, "ciphertext", () -> decrypt(blob, Map.of("purpose", "test")));
        assertError(ErrorCode.INVALID_CIPHERTEXT, "ciphertext", () -> decrypt(blob, Map.of("purpose", "Test", "tenant", "acme")));
        assertError(ErrorCode.INVALID_CIPHERTEXT, "ciphertext",
                () -> decrypt(blob, Map.of("purpose", "test", "tenant", "acme", "extra", "x")));
    }

    @Test
    void decrypt_withKeyIdOfAnotherKey_failsIncorrectKey() {
        KmsKey key = newKey();
        KmsKey other = newKey();
        byte[] blob = kms.crypto().encrypt(ROOT, ref(key.keyId()), SECRET, null, null).ciphertextBlob();
        assertError(ErrorCode.INCORRECT_KEY, "key ID", () -> kms.crypto().decrypt(ROOT, blob, null, ref(other.keyId()), null));
    }

    @Test
    void decrypt_withAnyByteModified_failsInvalidCiphertext() {
        KmsKey key = newKey();
        byte[] blob = kms.crypto().encrypt(ROOT, ref(key.keyId()), SECRET, CONTEXT, null).ciphertextBlob();
        for (int i = 0; i < blob.length; i++) {
            byte[] tampered = blob.clone();
            tampered[i] ^= (byte) (1 << (i % 8));
            int index = i;
            KmsException e = assertThrows(KmsException.class, () -> decrypt(tampered, CONTEXT), () -> "byte " + index);
            assertEquals(ErrorCode.INVALID_CIPHERTEXT, e.code(), "byte " + i + ": " + e.getMessage());
        }
        assertError(ErrorCode.INVALID_CIPHERTEXT, "ciphertext", () -> decrypt(Arrays.copyOf(blob, blob.length - 1), CONTEXT));
        byte[] longer = Arrays.copyOf(blob, blob.length + 1);
        assertError(ErrorCode.INVALID_CIPHERTEXT, "ciphertext", () -> decrypt(longer, CONTEXT));
        assertError(ErrorCode.VALIDATION, "ciphertextBlob", () -> decrypt(new byte[0], CONTEXT));
        assertArrayEquals(SECRET, decrypt(blob, CONTEXT));
    }

    @Test
    void decrypt_ofBlobFromAnotherRegion_failsLikeATamperedBlob() {
        KmsKey key = newKey();
        byte[] blob = kms.crypto().encrypt(ROOT, ref(key.keyId()), SECRET, null, null).ciphertextBlob();
        byte[] tampered = blob.clone();
        tampered[tampered.length - 1] ^= 1;
        String tamperedMessage = assertThrows(KmsException.class, () -> decrypt(tampered, null)).getMessage();

        Kms elsewhere = Kms.create(new Deployment("aws", "eu-west-1", "111122223333"), hsm, store,
                new TestPolicyParser(), new FakePrincipalDirectory("111122223333"), clock);
        KmsException e = assertThrows(KmsException.class, () -> elsewhere.crypto().decrypt(ROOT, blob, null, null, null));
        assertEquals(ErrorCode.INVALID_CIPHERTEXT, e.code());
        assertEquals(tamperedMessage, e.getMessage());
    }

    @Test
    void decrypt_byAnotherAccountThatTheKeyPolicyDoesNotAllow_failsAccessDenied() {
        KmsKey key = newKey();
        byte[] blob = kms.crypto().encrypt(ROOT, ref(key.keyId()), SECRET, null, null).ciphertextBlob();
        RequestContext stranger = RequestContext.direct(Principal.root("aws", "444455556666"), null, null);

        KmsException e = assertThrows(KmsException.class, () -> kms.crypto().decrypt(stranger, blob, null, null, null));

        assertEquals(ErrorCode.ACCESS_DENIED, e.code());
        assertTrue(e.getMessage().contains("arn:aws:iam::444455556666:root is not authorized to perform: kms:Decrypt"),
                e.getMessage());
    }

    @Test
    void encrypt_enforcesPlaintextLimitsAndAlgorithm() {
        KmsKey key = newKey();
        assertError(ErrorCode.VALIDATION, "plaintext", () -> kms.crypto().encrypt(ROOT, ref(key.keyId()), new byte[0], null, null));
        assertError(ErrorCode.VALIDATION, "plaintext", () -> kms.crypto().encrypt(ROOT, ref(key.keyId()), new byte[4097], null, null));
        assertError(ErrorCode.INVALID_KEY_USAGE, "RSAES_OAEP_SHA_256",
                () -> kms.crypto().encrypt(ROOT, ref(key.keyId()), SECRET, null, EncryptionAlgorithm.RSAES_OAEP_SHA_256));
        assertError(ErrorCode.VALIDATION, "encryptionContext",
                () -> kms.crypto().encrypt(ROOT, ref(key.keyId()), SECRET, Map.of("", "v"), null));

        byte[] largest = new byte[4096];
        ThreadLocalRandom.current().nextBytes(largest);
        byte[] blob = kms.crypto().encrypt(ROOT, ref(key.keyId()), largest, CONTEXT, null).ciphertextBlob();
        assertTrue(blob.length <= 6144, "blob of " + blob.length + " bytes");
        assertArrayEquals(largest, decrypt(blob, CONTEXT));
    }

    @Test
    void reEncrypt_movesCiphertextToAnotherKeyAndContext() {
        KmsKey source = newKey();
        KmsKey destination = newKey();
        byte[] blob = kms.crypto().encrypt(ROOT, ref(source.keyId()), SECRET, CONTEXT, null).ciphertextBlob();

        var moved = kms.crypto().reEncrypt(ROOT, blob, CONTEXT, null, ref(destination.keyId()), Map.of("new", "ctx"), null, null);

        assertEquals(DEPLOYMENT.keyArn(source.keyId()), moved.sourceKeyArn());
        assertEquals(DEPLOYMENT.keyArn(destination.keyId()), moved.keyArn());
        var decrypted = kms.crypto().decrypt(ROOT, moved.ciphertextBlob(), Map.of("new", "ctx"), ref(destination.keyId()), null);
        assertArrayEquals(SECRET, decrypted.plaintext().bytes());
        assertError(ErrorCode.INVALID_CIPHERTEXT, "ciphertext",
                () -> kms.crypto().reEncrypt(ROOT, blob, null, null, ref(destination.keyId()), null, null, null));
        assertError(ErrorCode.INCORRECT_KEY, "key ID",
                () -> kms.crypto().reEncrypt(ROOT, blob, CONTEXT, ref(destination.keyId()), ref(destination.keyId()), null, null, null));
        kms.keys().disableKey(ROOT, ref(destination.keyId()));
        assertError(ErrorCode.DISABLED, "is disabled",
                () -> kms.crypto().reEncrypt(ROOT, blob, CONTEXT, null, ref(destination.keyId()), null, null, null));
    }

    // ---- GenerateDataKey, GenerateDataKeyWithoutPlaintext, GenerateRandom ----------------------

    @Test
    void generateDataKey_returnsAKeyWhoseCiphertextDecryptsToIt() {
        KmsKey key = newKey();
        DataKey aes256 = kms.crypto().generateDataKey(ROOT, ref(key.keyId()), CONTEXT, DataKeySpec.AES_256, null, true);
        DataKey aes128 = kms.crypto().generateDataKey(ROOT, ref(key.keyId()), null, DataKeySpec.AES_128, null, true);
        DataKey sized = kms.crypto().generateDataKey(ROOT, ref(key.keyId()), null, null, 1024, true);
        DataKey blind = kms.crypto().generateDataKey(ROOT, ref(key.keyId()), CONTEXT, DataKeySpec.AES_256, null, false);

        assertEquals(32, aes256.plaintext().length());
        assertEquals(16, aes128.plaintext().length());
        assertEquals(1024, sized.plaintext().length());
        assertNull(blind.plaintext());
        assertArrayEquals(aes256.plaintext().bytes(), decrypt(aes256.ciphertextBlob(), CONTEXT));
        assertEquals(32, decrypt(blind.ciphertextBlob(), CONTEXT).length);
        assertEquals(DEPLOYMENT.keyArn(key.keyId()), aes256.keyArn());
    }

    @Test
    void generateDataKey_withBothNeitherOrOutOfRangeSize_failsValidation() {
        KmsKey key = newKey();
        assertError(ErrorCode.VALIDATION, "KeySpec or NumberOfBytes",
                () -> kms.crypto().generateDataKey(ROOT, ref(key.keyId()), null, DataKeySpec.AES_256, 32, true));
        assertError(ErrorCode.VALIDATION, "KeySpec or NumberOfBytes",
                () -> kms.crypto().generateDataKey(ROOT, ref(key.keyId()), null, null, null, true));
        assertError(ErrorCode.VALIDATION, "numberOfBytes",
                () -> kms.crypto().generateDataKey(ROOT, ref(key.keyId()), null, null, 1025, false));
        assertError(ErrorCode.VALIDATION, "numberOfBytes",
                () -> kms.crypto().generateDataKey(ROOT, ref(key.keyId()), null, null, 0, false));
    }

    @Test
    void generateRandom_returnsFreshBytesWithinLimits() {
        byte[] a = kms.crypto().generateRandom(ROOT, 32).bytes();
        byte[] b = kms.crypto().generateRandom(ROOT, 32).bytes();
        assertEquals(32, a.length);
        assertFalse(Arrays.equals(a, b));
        assertEquals(1024, kms.crypto().generateRandom(ROOT, 1024).length());
        assertError(ErrorCode.VALIDATION, "numberOfBytes", () -> kms.crypto().generateRandom(ROOT, 0));
        assertError(ErrorCode.VALIDATION, "numberOfBytes", () -> kms.crypto().generateRandom(ROOT, 1025));
        assertError(ErrorCode.VALIDATION, "numberOfBytes", () -> kms.crypto().generateRandom(ROOT, null));
    }

    // ---- Rotation ------------------------------------------------------------------------------

    @Test
    void keyRotation_isEnabledWithPeriodAndDisabled() {
        KmsKey key = newKey();
        assertFalse(kms.rotation().getKeyRotationStatus(ROOT, ref(key.keyId())).enabled());

        kms.rotation().enableKeyRotation(ROOT, ref(key.keyId()), null);
        var status = kms.rotation().getKeyRotationStatus(ROOT, ref(key.keyId()));
        assertTrue(status.enabled());
        assertEquals(365, status.rotationPeriodInDays());
        assertEquals(clock.instant().plus(Duration.ofDays(365)), status.nextRotationDate());

        kms.rotation().enableKeyRotation(ROOT, ref(key.keyId()), 90);
        assertEquals(clock.instant().plus(Duration.ofDays(90)), kms.rotation().getKeyRotationStatus(ROOT, ref(key.keyId())).nextRotationDate());
        kms.rotation().disableKeyRotation(ROOT, ref(key.keyId()));
        assertNull(kms.rotation().getKeyRotationStatus(ROOT, ref(key.keyId())).nextRotationDate());
    }

    @Test
    void enableKeyRotation_withBadPeriodOrDisabledKey_fails() {
        KmsKey key = newKey();
        assertError(ErrorCode.VALIDATION, "rotationPeriodInDays", () -> kms.rotation().enableKeyRotation(ROOT, ref(key.keyId()), 89));
        assertError(ErrorCode.VALIDATION, "rotationPeriodInDays", () -> kms.rotation().enableKeyRotation(ROOT, ref(key.keyId()), 2561));
        kms.keys().disableKey(ROOT, ref(key.keyId()));
        assertError(ErrorCode.DISABLED, "is disabled", () -> kms.rotation().enableKeyRotation(ROOT, ref(key.keyId()), 90));
        assertError(ErrorCode.DISABLED, "is disabled", () -> kms.rotation().rotateKeyOnDemand(ROOT, ref(key.keyId())));
    }

    @Test
    void rotateKeyOnDemand_encryptsWithNewMaterialAndStillDecryptsOld() {
        KmsKey key = newKey();
        byte[] before = kms.crypto().encrypt(ROOT, ref(key.keyId()), SECRET, CONTEXT, null).ciphertextBlob();

        KmsKey rotated = kms.rotation().rotateKeyOnDemand(ROOT, ref(key.keyId()));
        byte[] after = kms.crypto().encrypt(ROOT, ref(key.keyId()), SECRET, CONTEXT, null).ciphertextBlob();

        assertNotEquals(key.currentMaterial().id(), rotated.currentMaterial().id());
        assertEquals(rotated.currentMaterial().id(), dev.kms.core.ciphertext.CiphertextBlob.decode(after).materialId());
        assertEquals(key.currentMaterial().id(), dev.kms.core.ciphertext.CiphertextBlob.decode(before).materialId());
        assertArrayEquals(SECRET, decrypt(before, CONTEXT));
        assertArrayEquals(SECRET, decrypt(after, CONTEXT));
        var rotations = kms.rotation().listKeyRotations(ROOT, ref(key.keyId()), null, null).items();
        assertEquals(1, rotations.size());
        assertEquals(RotationType.ON_DEMAND, rotations.get(0).rotationType());
        assertFalse(kms.rotation().getKeyRotationStatus(ROOT, ref(key.keyId())).enabled());
    }

    @Test
    void rotateKeyOnDemand_moreThanTwentyFiveTimes_failsLimitExceeded() {
        KmsKey key = newKey();
        for (int i = 0; i < 25; i++) {
            kms.rotation().rotateKeyOnDemand(ROOT, ref(key.keyId()));
        }
        int objects = hsm.listKeys().size();
        assertError(ErrorCode.LIMIT_EXCEEDED, "25", () -> kms.rotation().rotateKeyOnDemand(ROOT, ref(key.keyId())));
        assertEquals(objects, hsm.listKeys().size());

        Page<KeyMaterial> page = kms.rotation().listKeyRotations(ROOT, ref(key.keyId()), 10, null);
        Page<KeyMaterial> next = kms.rotation().listKeyRotations(ROOT, ref(key.keyId()), 20, page.nextMarker());
        assertEquals(10, page.items().size());
        assertEquals(15, next.items().size());
        assertNull(next.nextMarker());
    }

    @Test
    void automaticRotation_happensWhenDue_andSkipsDisabledKeys() {
        KmsKey key = newKey();
        KmsKey disabled = newKey();
        kms.rotation().enableKeyRotation(ROOT, ref(key.keyId()), 90);
        kms.rotation().enableKeyRotation(ROOT, ref(disabled.keyId()), 90);
        kms.keys().disableKey(ROOT, ref(disabled.keyId()));
        byte[] old = kms.crypto().encrypt(ROOT, ref(key.keyId()), SECRET, null, null).ciphertextBlob();

        clock.advance(Duration.ofDays(89));
        assertTrue(kms.maintenance().runDue().rotatedKeyIds().isEmpty());
        clock.advance(Duration.ofDays(1));
        assertEquals(List.of(key.keyId()), kms.maintenance().runDue().rotatedKeyIds());
        assertTrue(kms.maintenance().runDue().rotatedKeyIds().isEmpty());

        KmsKey rotated = kms.keys().describeKey(ROOT, ref(key.keyId()));
        assertEquals(2, rotated.materials().size());
        assertEquals(RotationType.AUTOMATIC, rotated.currentMaterial().rotationType());
        assertEquals(clock.instant().plus(Duration.ofDays(90)), rotated.rotation().nextRotation());
        assertEquals(1, kms.keys().describeKey(ROOT, ref(disabled.keyId())).materials().size());
        assertArrayEquals(SECRET, decrypt(old, null));
    }

    @Test
    void concurrentEncryptAndDecrypt_whileTheKeyRotates_allSucceedWithCorrectResults() throws Exception {
        KmsKey key = newKey();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> workers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                workers.add(pool.submit(roundTrips(key.keyId(), 150)));
            }
            for (int i = 0; i < 10; i++) {
                kms.rotation().rotateKeyOnDemand(ROOT, ref(key.keyId()));
            }
            for (Future<Integer> worker : workers) {
                assertEquals(150, worker.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(11, kms.keys().describeKey(ROOT, ref(key.keyId())).materials().size());
    }

    private Callable<Integer> roundTrips(String keyId, int count) {
        return () -> {
            int ok = 0;
            for (int i = 0; i < count; i++) {
                byte[] data = new byte[1 + ThreadLocalRandom.current().nextInt(512)];
                ThreadLocalRandom.current().nextBytes(data);
                Map<String, String> ctx = Map.of("i", Integer.toString(i));
                byte[] blob = kms.crypto().encrypt(ROOT, ref(keyId), data, ctx, null).ciphertextBlob();
                if (Arrays.equals(data, decrypt(blob, ctx))) {
                    ok++;
                }
            }
            return ok;
        };
    }

    // ---- Reconciliation ------------------------------------------------------------------------

    @Test
    void reconcile_reportsOrphansAndMissingMaterial_andDestroysOrphansOnlyWhenAsked() {
        KmsKey key = newKey();
        KmsKey broken = newKey();
        MaterialId orphan = MaterialId.random();
        hsm.generateKey(orphan, KeySpec.SYMMETRIC_DEFAULT, "kms/interrupted-create/1");
        hsm.destroyKey(broken.currentMaterial().id());
        int serviceBefore = kms.maintenance().reconcile(false, false).serviceObjects();
        hsm.generateKey(MaterialId.random(), KeySpec.SYMMETRIC_DEFAULT, ServiceKeys.LABEL_PREFIX + "reconcile-test");
        hsm.generateKey(MaterialId.random(), KeySpec.SYMMETRIC_DEFAULT, "another application's key");

        var report = kms.maintenance().reconcile(false, false);
        assertEquals(List.of(orphan), report.orphans().stream().map(Hsm.TokenObject::id).toList());
        assertEquals(List.of(broken.currentMaterial().id()), report.missing());
        assertEquals(serviceBefore + 1, report.serviceObjects(), "the service's own keys are neither orphans nor foreign");
        assertEquals(1, report.foreignObjects());
        assertEquals(List.of(), report.incomplete(), "a healthy token has no half-written objects");
        assertTrue(tokenMaterialIds().contains(orphan));

        kms.maintenance().reconcile(true, false);
        assertFalse(tokenMaterialIds().contains(orphan));
        assertTrue(tokenMaterialIds().contains(key.currentMaterial().id()));
        assertTrue(kms.maintenance().reconcile(false, false).orphans().isEmpty());
    }
}
