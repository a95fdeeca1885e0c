package dev.kms.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kms.core.operation.KmsOperation;
import dev.kms.server.BootstrapAdministrator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.model.AliasListEntry;
import software.amazon.awssdk.services.kms.model.CancelKeyDeletionResponse;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.EncryptResponse;
import software.amazon.awssdk.services.kms.model.EncryptionAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyWithoutPlaintextResponse;
import software.amazon.awssdk.services.kms.model.GenerateMacResponse;
import software.amazon.awssdk.services.kms.model.GetKeyPolicyResponse;
import software.amazon.awssdk.services.kms.model.GetKeyRotationStatusResponse;
import software.amazon.awssdk.services.kms.model.KeyManagerType;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.KmsInvalidMacException;
import software.amazon.awssdk.services.kms.model.ListKeyRotationsResponse;
import software.amazon.awssdk.services.kms.model.ListKeysResponse;
import software.amazon.awssdk.services.kms.model.MacAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.OriginType;
import software.amazon.awssdk.services.kms.model.ReEncryptResponse;
import software.amazon.awssdk.services.kms.model.RotationType;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionResponse;
import software.amazon.awssdk.services.kms.model.Tag;
import software.amazon.awssdk.services.kms.model.VerifyMacResponse;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 4's proof with the AWS SDK for Java v2 on the real wiring: every operation the server implements
 * ({@link KmsOperation}, the operation table), called by the SDK's KmsClient as the bootstrap administrator on
 * {@code kms server} over SoftHSM2, SQLite and the audit trail, with the response fields checked; and the calls
 * found in the trail on disk with the SDK's request id, source address and user agent.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KmsServerSdkOperationsTest extends ServedHomeTestBase {
    static final Map<String, String> CONTEXT = Map.of("purpose", "sdk", "tenant", "a");


    @BeforeAll
    static void serveTheAdministrator() throws Exception {
        serve();
    }

    static SdkBytes utf8(String s) {
        return SdkBytes.fromUtf8String(s);
    }

    static KeyMetadata createKey(String description) {
        return admin.createKey(r -> r.description(description)).keyMetadata();
    }

    static void assertRequestId(String requestId) {
        assertEquals(requestId, UUID.fromString(requestId).toString());
    }

    static void assertAround(Instant expected, Instant actual) {
        assertTrue(Duration.between(expected, actual).abs().compareTo(Duration.ofMinutes(5)) < 0,
                () -> actual + " is not near " + expected);
    }

    // ---- lifecycle

    @Test
    void createKey_describeKey_byIdArnAliasAndAliasArn_returnTheMetadata() {
        Instant before = Instant.now();
        var created = admin.createKey(r -> r.description("lifecycle")
                .tags(Tag.builder().tagKey("team").tagValue("crypto").build()));
        assertRequestId(created.responseMetadata().requestId());
        KeyMetadata key = created.keyMetadata();
        assertEquals(server.keyArnPrefix() + key.keyId(), key.arn());
        assertEquals(ServedHome.ACCOUNT, key.awsAccountId());
        assertEquals("lifecycle", key.description());
        assertEquals(KeyState.ENABLED, key.keyState());
        assertTrue(key.enabled());
        assertEquals(KeySpec.SYMMETRIC_DEFAULT, key.keySpec());
        assertEquals(KeyUsageType.ENCRYPT_DECRYPT, key.keyUsage());
        assertEquals(OriginType.AWS_KMS, key.origin());
        assertEquals(KeyManagerType.CUSTOMER, key.keyManager());
        assertEquals(List.of(EncryptionAlgorithmSpec.SYMMETRIC_DEFAULT), key.encryptionAlgorithms());
        assertFalse(key.multiRegion());
        assertNull(key.deletionDate());
        assertAround(before, key.creationDate());

        admin.createAlias(r -> r.aliasName("alias/lifecycle").targetKeyId(key.keyId()));
        String aliasArn = "arn:aws:kms:" + server.region + ":" + ServedHome.ACCOUNT + ":alias/lifecycle";
        for (String ref : List.of(key.keyId(), key.arn(), "alias/lifecycle", aliasArn)) {
            KeyMetadata described = admin.describeKey(r -> r.keyId(ref)).keyMetadata();
            assertEquals(key, described, ref);
        }
    }

    @Test
    void listKeys_pagesWithLimitAndMarker() {
        List<String> created = List.of(createKey("list 1").keyId(), createKey("list 2").keyId());

        ListKeysResponse first = admin.listKeys(r -> r.limit(1));
        assertEquals(1, first.keys().size());
        assertTrue(first.truncated());
        assertNotNull(first.nextMarker());
        ListKeysResponse second = admin.listKeys(r -> r.marker(first.nextMarker()).limit(1000));
        assertFalse(second.truncated());
        List<String> all = new ArrayList<>();
        first.keys().forEach(k -> all.add(k.keyId()));
        second.keys().forEach(k -> {
            all.add(k.keyId());
            assertEquals(server.keyArnPrefix() + k.keyId(), k.keyArn());
        });
        assertTrue(all.containsAll(created), all.toString());
        assertEquals(all.size(), all.stream().distinct().count(), "a key on both pages");
    }

    @Test
    void updateKeyDescription_disableKey_enableKey_changeTheMetadata() {
        String keyId = createKey("before").keyId();

        admin.updateKeyDescription(r -> r.keyId(keyId).description("after"));
        assertEquals("after", admin.describeKey(r -> r.keyId(keyId)).keyMetadata().description());

        admin.disableKey(r -> r.keyId(keyId));
        KeyMetadata disabled = admin.describeKey(r -> r.keyId(keyId)).keyMetadata();
        assertEquals(KeyState.DISABLED, disabled.keyState());
        assertFalse(disabled.enabled());

        admin.enableKey(r -> r.keyId(keyId));
        KeyMetadata enabled = admin.describeKey(r -> r.keyId(keyId)).keyMetadata();
        assertEquals(KeyState.ENABLED, enabled.keyState());
        assertTrue(enabled.enabled());
    }

    @Test
    void scheduleKeyDeletion_thenCancel_leavesTheKeyDisabled() {
        KeyMetadata key = createKey("doomed");
        Instant before = Instant.now();

        ScheduleKeyDeletionResponse scheduled = admin.scheduleKeyDeletion(r -> r.keyId(key.keyId())
                .pendingWindowInDays(7));
        assertEquals(key.arn(), scheduled.keyId());
        assertEquals(KeyState.PENDING_DELETION, scheduled.keyState());
        assertEquals(7, scheduled.pendingWindowInDays());
        assertAround(before.plus(Duration.ofDays(7)), scheduled.deletionDate());
        KeyMetadata pending = admin.describeKey(r -> r.keyId(key.keyId())).keyMetadata();
        assertEquals(scheduled.deletionDate(), pending.deletionDate());
        assertEquals(7, pending.pendingDeletionWindowInDays());

        CancelKeyDeletionResponse cancelled = admin.cancelKeyDeletion(r -> r.keyId(key.keyId()));
        assertEquals(key.arn(), cancelled.keyId());
        KeyMetadata after = admin.describeKey(r -> r.keyId(key.keyId())).keyMetadata();
        assertEquals(KeyState.DISABLED, after.keyState());
        assertNull(after.deletionDate());
    }

    // ---- tags

    @Test
    void tagResource_untagResource_listResourceTags() {
        String keyId = createKey("tags").keyId();

        admin.tagResource(r -> r.keyId(keyId).tags(Tag.builder().tagKey("env").tagValue("test").build(),
                Tag.builder().tagKey("owner").tagValue("sdk").build()));
        assertEquals(List.of(tag("env", "test"), tag("owner", "sdk")),
                admin.listResourceTags(r -> r.keyId(keyId)).tags().stream().sorted(
                        (a, b) -> a.tagKey().compareTo(b.tagKey())).toList());

        admin.untagResource(r -> r.keyId(keyId).tagKeys("env"));
        var remaining = admin.listResourceTags(r -> r.keyId(keyId));
        assertEquals(List.of(tag("owner", "sdk")), remaining.tags());
        assertFalse(remaining.truncated());
    }

    static Tag tag(String key, String value) {
        return Tag.builder().tagKey(key).tagValue(value).build();
    }

    // ---- aliases

    @Test
    void createAlias_updateAlias_listAliases_deleteAlias() {
        String first = createKey("alias first").keyId();
        String second = createKey("alias second").keyId();
        Instant before = Instant.now();

        admin.createAlias(r -> r.aliasName("alias/moving").targetKeyId(first));
        AliasListEntry created = onlyAlias(first);
        assertEquals("alias/moving", created.aliasName());
        assertEquals("arn:aws:kms:" + server.region + ":" + ServedHome.ACCOUNT + ":alias/moving", created.aliasArn());
        assertEquals(first, created.targetKeyId());
        assertAround(before, created.creationDate());

        admin.updateAlias(r -> r.aliasName("alias/moving").targetKeyId(second));
        assertTrue(admin.listAliases(r -> r.keyId(first)).aliases().isEmpty());
        assertEquals(second, onlyAlias(second).targetKeyId());
        assertTrue(admin.listAliases(r -> { }).aliases().stream().anyMatch(a -> a.aliasName().equals("alias/moving")));
        assertEquals(second, admin.describeKey(r -> r.keyId("alias/moving")).keyMetadata().keyId());

        admin.deleteAlias(r -> r.aliasName("alias/moving"));
        assertTrue(admin.listAliases(r -> r.keyId(second)).aliases().isEmpty());
    }

    static AliasListEntry onlyAlias(String keyId) {
        List<AliasListEntry> aliases = admin.listAliases(r -> r.keyId(keyId)).aliases();
        assertEquals(1, aliases.size(), aliases::toString);
        return aliases.get(0);
    }

    // ---- cryptography

    @Test
    void encryptDecrypt_withContext_withAndWithoutKeyId() {
        KeyMetadata key = createKey("crypto");
        admin.createAlias(r -> r.aliasName("alias/crypto").targetKeyId(key.keyId()));

        EncryptResponse encrypted = admin.encrypt(r -> r.keyId("alias/crypto").plaintext(utf8("hello"))
                .encryptionContext(CONTEXT));
        assertEquals(key.arn(), encrypted.keyId());
        assertEquals(EncryptionAlgorithmSpec.SYMMETRIC_DEFAULT, encrypted.encryptionAlgorithm());
        assertFalse(Arrays.equals(utf8("hello").asByteArray(), encrypted.ciphertextBlob().asByteArray()));

        DecryptResponse withoutKeyId = admin.decrypt(r -> r.ciphertextBlob(encrypted.ciphertextBlob())
                .encryptionContext(CONTEXT));
        assertEquals("hello", withoutKeyId.plaintext().asUtf8String());
        assertEquals(key.arn(), withoutKeyId.keyId());
        assertEquals(EncryptionAlgorithmSpec.SYMMETRIC_DEFAULT, withoutKeyId.encryptionAlgorithm());
        for (String ref : List.of(key.keyId(), key.arn(), "alias/crypto")) {
            assertEquals("hello", admin.decrypt(r -> r.keyId(ref).ciphertextBlob(encrypted.ciphertextBlob())
                    .encryptionContext(CONTEXT)).plaintext().asUtf8String(), ref);
        }
    }

    @Test
    void encrypt_fourKilobytes_roundTrips() {
        String keyId = createKey("large").keyId();
        byte[] plaintext = new byte[4096];
        Arrays.fill(plaintext, (byte) 7);
        SdkBytes blob = admin.encrypt(r -> r.keyId(keyId).plaintext(SdkBytes.fromByteArray(plaintext)))
                .ciphertextBlob();
        assertArrayEquals(plaintext, admin.decrypt(r -> r.ciphertextBlob(blob)).plaintext().asByteArray());
    }

    @Test
    void reEncrypt_movesACiphertextToAnotherKeyAndContext() {
        KeyMetadata source = createKey("reencrypt source");
        KeyMetadata destination = createKey("reencrypt destination");
        Map<String, String> newContext = Map.of("purpose", "moved");
        SdkBytes blob = admin.encrypt(r -> r.keyId(source.keyId()).plaintext(utf8("moving"))
                .encryptionContext(CONTEXT)).ciphertextBlob();

        ReEncryptResponse moved = admin.reEncrypt(r -> r.ciphertextBlob(blob).sourceEncryptionContext(CONTEXT)
                .destinationKeyId(destination.keyId()).destinationEncryptionContext(newContext));
        assertEquals(source.arn(), moved.sourceKeyId());
        assertEquals(destination.arn(), moved.keyId());
        assertEquals(EncryptionAlgorithmSpec.SYMMETRIC_DEFAULT, moved.sourceEncryptionAlgorithm());
        assertEquals(EncryptionAlgorithmSpec.SYMMETRIC_DEFAULT, moved.destinationEncryptionAlgorithm());

        DecryptResponse decrypted = admin.decrypt(r -> r.ciphertextBlob(moved.ciphertextBlob())
                .encryptionContext(newContext));
        assertEquals("moving", decrypted.plaintext().asUtf8String());
        assertEquals(destination.arn(), decrypted.keyId());
    }

    @Test
    void generateDataKey_byKeySpecAndByNumberOfBytes_decryptToThePlaintext() {
        KeyMetadata key = createKey("data keys");

        GenerateDataKeyResponse aes = admin.generateDataKey(r -> r.keyId(key.keyId()).keySpec(DataKeySpec.AES_256)
                .encryptionContext(CONTEXT));
        assertEquals(32, aes.plaintext().asByteArray().length);
        assertEquals(key.arn(), aes.keyId());
        assertArrayEquals(aes.plaintext().asByteArray(), admin.decrypt(r -> r.ciphertextBlob(aes.ciphertextBlob())
                .encryptionContext(CONTEXT)).plaintext().asByteArray());

        GenerateDataKeyResponse sized = admin.generateDataKey(r -> r.keyId(key.keyId()).numberOfBytes(64));
        assertEquals(64, sized.plaintext().asByteArray().length);
        GenerateDataKeyResponse aes128 = admin.generateDataKey(r -> r.keyId(key.keyId()).keySpec(DataKeySpec.AES_128));
        assertEquals(16, aes128.plaintext().asByteArray().length);
    }

    @Test
    void generateDataKeyWithoutPlaintext_returnsOnlyTheCiphertext() {
        KeyMetadata key = createKey("data keys without plaintext");

        GenerateDataKeyWithoutPlaintextResponse dataKey = admin.generateDataKeyWithoutPlaintext(r -> r
                .keyId(key.keyId()).keySpec(DataKeySpec.AES_256).encryptionContext(CONTEXT));
        assertEquals(key.arn(), dataKey.keyId());
        assertEquals(32, admin.decrypt(r -> r.ciphertextBlob(dataKey.ciphertextBlob()).encryptionContext(CONTEXT))
                .plaintext().asByteArray().length);
    }

    @Test
    void generateRandom_returnsTheBytesAskedFor() {
        byte[] a = admin.generateRandom(r -> r.numberOfBytes(1024)).plaintext().asByteArray();
        byte[] b = admin.generateRandom(r -> r.numberOfBytes(1024)).plaintext().asByteArray();
        assertEquals(1024, a.length);
        assertFalse(Arrays.equals(a, b));
        assertEquals(1, admin.generateRandom(r -> r.numberOfBytes(1)).plaintext().asByteArray().length);
    }

    @Test
    void generateMac_verifyMac_onAnHmacKey_andAChangedMessageIsInvalidMac() {
        KeyMetadata key = admin.createKey(r -> r.keySpec(KeySpec.HMAC_512).keyUsage(KeyUsageType.GENERATE_VERIFY_MAC))
                .keyMetadata();
        assertEquals(KeyUsageType.GENERATE_VERIFY_MAC, key.keyUsage());
        assertEquals(List.of(MacAlgorithmSpec.HMAC_SHA_512), key.macAlgorithms());
        assertFalse(key.hasEncryptionAlgorithms());
        SdkBytes message = SdkBytes.fromUtf8String("webhook body");

        GenerateMacResponse generated = admin.generateMac(r -> r.keyId(key.keyId()).message(message)
                .macAlgorithm(MacAlgorithmSpec.HMAC_SHA_512));
        assertEquals(key.arn(), generated.keyId());
        assertEquals(MacAlgorithmSpec.HMAC_SHA_512, generated.macAlgorithm());
        assertEquals(64, generated.mac().asByteArray().length);

        VerifyMacResponse verified = admin.verifyMac(r -> r.keyId(key.arn()).message(message)
                .macAlgorithm(MacAlgorithmSpec.HMAC_SHA_512).mac(generated.mac()));
        assertTrue(verified.macValid());
        assertEquals(key.arn(), verified.keyId());
        assertThrows(KmsInvalidMacException.class, () -> admin.verifyMac(r -> r.keyId(key.keyId())
                .message(SdkBytes.fromUtf8String("webhook bodY")).macAlgorithm(MacAlgorithmSpec.HMAC_SHA_512)
                .mac(generated.mac())));
    }

    // ---- rotation

    @Test
    void keyRotation_enableStatusRotateOnDemandListDisable_oldCiphertextsStillDecrypt() {
        KeyMetadata key = createKey("rotation");
        SdkBytes before = admin.encrypt(r -> r.keyId(key.keyId()).plaintext(utf8("old material"))).ciphertextBlob();
        GetKeyRotationStatusResponse off = admin.getKeyRotationStatus(r -> r.keyId(key.keyId()));
        assertFalse(off.keyRotationEnabled());
        assertEquals(key.arn(), off.keyId());

        admin.enableKeyRotation(r -> r.keyId(key.keyId()).rotationPeriodInDays(90));
        GetKeyRotationStatusResponse on = admin.getKeyRotationStatus(r -> r.keyId(key.keyId()));
        assertTrue(on.keyRotationEnabled());
        assertEquals(90, on.rotationPeriodInDays());
        assertAround(Instant.now().plus(Duration.ofDays(90)), on.nextRotationDate());

        Instant rotatedAt = Instant.now();
        assertEquals(key.arn(), admin.rotateKeyOnDemand(r -> r.keyId(key.keyId())).keyId());
        ListKeyRotationsResponse rotations = admin.listKeyRotations(r -> r.keyId(key.keyId()));
        assertEquals(1, rotations.rotations().size(), rotations::toString);
        assertEquals(RotationType.ON_DEMAND, rotations.rotations().get(0).rotationType());
        assertEquals(key.arn(), rotations.rotations().get(0).keyId());
        assertAround(rotatedAt, rotations.rotations().get(0).rotationDate());
        assertFalse(rotations.truncated());
        String newMaterial = admin.describeKey(r -> r.keyId(key.keyId())).keyMetadata().currentKeyMaterialId();
        assertFalse(newMaterial.equals(key.currentKeyMaterialId()), "the current material did not change");

        assertEquals("old material", admin.decrypt(r -> r.ciphertextBlob(before)).plaintext().asUtf8String());
        SdkBytes after = admin.encrypt(r -> r.keyId(key.keyId()).plaintext(utf8("new material"))).ciphertextBlob();
        assertEquals("new material", admin.decrypt(r -> r.ciphertextBlob(after)).plaintext().asUtf8String());

        admin.disableKeyRotation(r -> r.keyId(key.keyId()));
        assertFalse(admin.getKeyRotationStatus(r -> r.keyId(key.keyId())).keyRotationEnabled());
    }

    // ---- key policies

    @Test
    void keyPolicies_defaultPolicy_listed_andReplacedByPutKeyPolicy() throws Exception {
        String keyId = createKey("policies").keyId();

        GetKeyPolicyResponse initial = admin.getKeyPolicy(r -> r.keyId(keyId).policyName("default"));
        assertEquals("default", initial.policyName());
        JsonNode statement = Params.MAPPER.readTree(initial.policy()).get("Statement").get(0);
        assertEquals("Enable IAM User Permissions", statement.get("Sid").asText());
        assertEquals("arn:aws:iam::" + ServedHome.ACCOUNT + ":root", statement.at("/Principal/AWS").asText());
        assertEquals("kms:*", statement.get("Action").asText());

        var names = admin.listKeyPolicies(r -> r.keyId(keyId));
        assertEquals(List.of("default"), names.policyNames());
        assertFalse(names.truncated());

        String administratorOnly = """
                {"Version":"2012-10-17","Statement":[{"Sid":"admin","Effect":"Allow",
                 "Principal":{"AWS":"%s"},"Action":"kms:*","Resource":"*"}]}"""
                .formatted(ServedHome.userArn(BootstrapAdministrator.USER));
        admin.putKeyPolicy(r -> r.keyId(keyId).policyName("default").policy(administratorOnly));
        JsonNode replaced = Params.MAPPER.readTree(admin.getKeyPolicy(r -> r.keyId(keyId)).policy());
        assertEquals(Params.MAPPER.readTree(administratorOnly), replaced);
    }

    // ---- the audit trail

    @Test
    void sdkCalls_areInTheAuditTrailWithSourceAddressUserAgentAndRequestId() {
        KeyMetadata key = createKey("audited");
        SdkBytes plaintext = utf8("never in the trail");
        EncryptResponse encrypted = admin.encrypt(r -> r.keyId(key.keyId()).plaintext(plaintext)
                .encryptionContext(CONTEXT));

        JsonNode event = server.auditEventOf("Encrypt", encrypted.responseMetadata().requestId());
        assertEquals("127.0.0.1", event.get("sourceIPAddress").asText());
        assertTrue(event.get("userAgent").asText().startsWith("aws-sdk-java/2."), event.toString());
        assertEquals("kms.amazonaws.com", event.get("eventSource").asText());
        assertEquals(server.region, event.get("awsRegion").asText());
        assertEquals(ServedHome.userArn(BootstrapAdministrator.USER), event.at("/userIdentity/arn").asText());
        assertEquals(server.administrator.accessKeyId(), event.at("/userIdentity/accessKeyId").asText());
        assertEquals(key.arn(), event.at("/resources/0/ARN").asText());
        assertEquals(key.keyId(), event.at("/requestParameters/keyId").asText());
        assertEquals("a", event.at("/requestParameters/encryptionContext/tenant").asText());
        assertFalse(event.has("errorCode"));
        String recorded = event.toString();
        assertFalse(recorded.contains(plaintext.asUtf8String()) || recorded.contains(
                Base64.getEncoder().encodeToString(plaintext.asByteArray())), "plaintext in the trail");
        assertFalse(recorded.contains(Base64.getEncoder().encodeToString(encrypted.ciphertextBlob().asByteArray())),
                "ciphertext in the trail");
    }

    /**
     * Runs last: every operation the server implements has been answered to the SDK in this class, as the trail
     * shows, so an operation added to the server without an SDK test here fails this.
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void everyImplementedOperation_wasAnsweredToTheSdk() {
        Set<String> answered = new TreeSet<>();
        server.auditEvents("Username", BootstrapAdministrator.USER).stream()
                .filter(e -> !e.has("errorCode") && e.path("userAgent").asText().startsWith("aws-sdk-java/"))
                .forEach(e -> answered.add(e.get("eventName").asText()));
        List<String> missing = Arrays.stream(KmsOperation.values()).map(KmsOperation::wireName)
                .filter(op -> !answered.contains(op)).toList();
        assertEquals(List.of(), missing, "operations no SDK call of this class succeeded with");
    }
}
