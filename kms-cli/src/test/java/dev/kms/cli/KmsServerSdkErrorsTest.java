package dev.kms.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kms.server.BootstrapAdministrator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.AlreadyExistsException;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DisabledException;
import software.amazon.awssdk.services.kms.model.EncryptResponse;
import software.amazon.awssdk.services.kms.model.EncryptionAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.IncorrectKeyException;
import software.amazon.awssdk.services.kms.model.InvalidAliasNameException;
import software.amazon.awssdk.services.kms.model.InvalidArnException;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;
import software.amazon.awssdk.services.kms.model.InvalidKeyUsageException;
import software.amazon.awssdk.services.kms.model.InvalidMarkerException;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.LimitExceededException;
import software.amazon.awssdk.services.kms.model.MalformedPolicyDocumentException;
import software.amazon.awssdk.services.kms.model.NotFoundException;
import software.amazon.awssdk.services.kms.model.Tag;
import software.amazon.awssdk.services.kms.model.TagException;
import software.amazon.awssdk.services.kms.model.UnsupportedOperationException;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 4's proof with the AWS SDK for Java v2 on the real wiring, for errors: each error of the reference, from
 * {@code kms server} over SoftHSM2, SQLite and the audit trail, arrives as the SDK's own typed exception (or, for
 * the errors the KMS model does not type, a KmsException with the AWS error code), with status 400, the server's
 * request id and the message the service wrote. The IAM user bob may do every kms action by his identity
 * policy; a key policy that does not name him still refuses him.
 */
class KmsServerSdkErrorsTest extends ServedHomeTestBase {
    static final Map<String, String> CONTEXT = Map.of("purpose", "errors");

    static KmsClient bob;

    @BeforeAll
    static void serveWithBob() throws Exception {
        serve("bob");
        bob = server.client(server.user("bob"));
    }

    static KeyMetadata createKey() {
        return admin.createKey(r -> r.description("errors")).keyMetadata();
    }

    static SdkBytes encrypt(String keyId) {
        return admin.encrypt(r -> r.keyId(keyId).plaintext(SdkBytes.fromUtf8String("secret"))
                .encryptionContext(CONTEXT)).ciphertextBlob();
    }

    /** The typed exception, with the status, request id and message every AWS error carries. */
    static <T extends KmsException> T assertKmsError(Class<T> type, String messagePart, Executable call) {
        T e = assertThrows(type, call);
        assertEquals(400, e.statusCode(), e::toString);
        assertEquals(e.requestId(), UUID.fromString(e.requestId()).toString());
        assertTrue(e.awsErrorDetails().errorMessage().contains(messagePart),
                () -> "'" + e.awsErrorDetails().errorMessage() + "' lacks '" + messagePart + "'");
        return e;
    }

    /** An error the KMS model has no class for: a KmsException whose error code names it. */
    static KmsException assertKmsErrorCode(String errorCode, String messagePart, Executable call) {
        KmsException e = assertKmsError(KmsException.class, messagePart, call);
        assertEquals(errorCode, e.awsErrorDetails().errorCode());
        return e;
    }

    // ---- keys and their states

    @Test
    void unknownKeyOrAlias_isNotFoundException() {
        String unknown = UUID.randomUUID().toString();
        assertKmsError(NotFoundException.class, "Key 'key/" + unknown + "' does not exist",
                () -> admin.describeKey(r -> r.keyId(unknown)));
        assertKmsError(NotFoundException.class, "does not exist",
                () -> admin.encrypt(r -> r.keyId(server.keyArnPrefix() + unknown).plaintext(SdkBytes.fromUtf8String("x"))));
        assertKmsError(NotFoundException.class, "alias/unknown", () -> admin.deleteAlias(r -> r.aliasName("alias/unknown")));
    }

    @Test
    void cryptoOnADisabledKey_isDisabledException() {
        KeyMetadata key = createKey();
        SdkBytes blob = encrypt(key.keyId());
        admin.disableKey(r -> r.keyId(key.keyId()));

        assertKmsError(DisabledException.class, key.arn() + " is disabled",
                () -> admin.encrypt(r -> r.keyId(key.keyId()).plaintext(SdkBytes.fromUtf8String("x"))));
        assertKmsError(DisabledException.class, "is disabled",
                () -> admin.decrypt(r -> r.ciphertextBlob(blob).encryptionContext(CONTEXT)));
        assertKmsError(DisabledException.class, "is disabled",
                () -> admin.generateDataKey(r -> r.keyId(key.keyId()).keySpec(DataKeySpec.AES_256)));
    }

    @Test
    void aKeyPendingDeletion_isKmsInvalidStateException() {
        KeyMetadata key = createKey();
        SdkBytes blob = encrypt(key.keyId());
        assertKmsError(KmsInvalidStateException.class, key.arn(),
                () -> admin.cancelKeyDeletion(r -> r.keyId(key.keyId())));
        admin.scheduleKeyDeletion(r -> r.keyId(key.keyId()).pendingWindowInDays(7));

        assertKmsError(KmsInvalidStateException.class, key.arn() + " is pending deletion",
                () -> admin.encrypt(r -> r.keyId(key.keyId()).plaintext(SdkBytes.fromUtf8String("x"))));
        assertKmsError(KmsInvalidStateException.class, "is pending deletion",
                () -> admin.decrypt(r -> r.ciphertextBlob(blob).encryptionContext(CONTEXT)));
        assertKmsError(KmsInvalidStateException.class, "is pending deletion",
                () -> admin.enableKey(r -> r.keyId(key.keyId())));
    }

    // ---- ciphertexts

    @Test
    void decrypt_wrongContextOrAlteredOrGarbageBlob_isInvalidCiphertextException() {
        SdkBytes blob = encrypt(createKey().keyId());
        byte[] altered = blob.asByteArray();
        altered[altered.length - 1] ^= 1;

        InvalidCiphertextException wrongContext = assertKmsError(InvalidCiphertextException.class,
                "its encryption context does not match",
                () -> admin.decrypt(r -> r.ciphertextBlob(blob).encryptionContext(Map.of("purpose", "other"))));
        InvalidCiphertextException noContext = assertKmsError(InvalidCiphertextException.class, "invalid",
                () -> admin.decrypt(r -> r.ciphertextBlob(blob)));
        InvalidCiphertextException alteredByte = assertKmsError(InvalidCiphertextException.class, "invalid",
                () -> admin.decrypt(r -> r.ciphertextBlob(SdkBytes.fromByteArray(altered)).encryptionContext(CONTEXT)));
        InvalidCiphertextException garbage = assertKmsError(InvalidCiphertextException.class, "invalid",
                () -> admin.decrypt(r -> r.ciphertextBlob(SdkBytes.fromUtf8String("not a ciphertext at all"))));
        // One message for every cause: the caller learns nothing about which check failed.
        String message = wrongContext.awsErrorDetails().errorMessage();
        for (InvalidCiphertextException e : List.of(noContext, alteredByte, garbage)) {
            assertEquals(message, e.awsErrorDetails().errorMessage());
        }
    }

    @Test
    void decrypt_namingAnotherKey_isIncorrectKeyException() {
        SdkBytes blob = encrypt(createKey().keyId());
        String other = createKey().keyId();
        assertKmsError(IncorrectKeyException.class, "does not identify the key that encrypted the ciphertext",
                () -> admin.decrypt(r -> r.keyId(other).ciphertextBlob(blob).encryptionContext(CONTEXT)));
    }

    @Test
    void encrypt_withAnAsymmetricAlgorithm_isInvalidKeyUsageException() {
        String keyId = createKey().keyId();
        assertKmsError(InvalidKeyUsageException.class, "RSAES_OAEP_SHA_256",
                () -> admin.encrypt(r -> r.keyId(keyId).plaintext(SdkBytes.fromUtf8String("x"))
                        .encryptionAlgorithm(EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256)));
    }

    // ---- access control

    @Test
    void aUserTheKeyPolicyDoesNotName_isAccessDenied_andAudited() {
        KeyMetadata key = admin.createKey(r -> r.policy(administratorOnlyPolicy())).keyMetadata();
        SdkBytes blob = encrypt(key.keyId());
        String bobArn = ServedHome.userArn("bob");

        KmsException encrypt = assertKmsErrorCode("AccessDeniedException",
                "User: " + bobArn + " is not authorized to perform: kms:Encrypt on resource: " + key.arn(),
                () -> bob.encrypt(r -> r.keyId(key.arn()).plaintext(SdkBytes.fromUtf8String("x"))));
        assertKmsErrorCode("AccessDeniedException", "kms:Decrypt",
                () -> bob.decrypt(r -> r.ciphertextBlob(blob).encryptionContext(CONTEXT)));
        assertKmsErrorCode("AccessDeniedException", "kms:DescribeKey",
                () -> bob.describeKey(r -> r.keyId(key.arn())));

        JsonNode event = server.auditEventOf("Encrypt", encrypt.requestId());
        assertEquals("AccessDeniedException", event.get("errorCode").asText());
        assertEquals(encrypt.awsErrorDetails().errorMessage(), event.get("errorMessage").asText());
        assertEquals(bobArn, event.at("/userIdentity/arn").asText());
        assertEquals(server.user("bob").accessKeyId(), event.at("/userIdentity/accessKeyId").asText());
        assertEquals("127.0.0.1", event.get("sourceIPAddress").asText());
        assertTrue(event.get("userAgent").asText().startsWith("aws-sdk-java/2."), event.toString());
    }

    /** The control for the refusal above: the default key policy delegates to IAM, and bob's policy allows. */
    @Test
    void theSameUser_onAKeyWithTheDefaultPolicy_isAllowed() {
        String keyArn = createKey().arn();
        SdkBytes blob = bob.encrypt(r -> r.keyId(keyArn).plaintext(SdkBytes.fromUtf8String("bob's"))).ciphertextBlob();
        assertEquals("bob's", bob.decrypt(r -> r.ciphertextBlob(blob)).plaintext().asUtf8String());
    }

    static String administratorOnlyPolicy() {
        return """
                {"Version":"2012-10-17","Statement":[{"Sid":"admin","Effect":"Allow",
                 "Principal":{"AWS":"%s"},"Action":"kms:*","Resource":"*"}]}"""
                .formatted(ServedHome.userArn(BootstrapAdministrator.USER));
    }

    @Test
    void putKeyPolicy_badDocumentOrLockingTheCallerOut_isMalformedPolicyDocumentException() {
        String keyId = createKey().keyId();
        assertKmsError(MalformedPolicyDocumentException.class, "invalid JSON",
                () -> admin.putKeyPolicy(r -> r.keyId(keyId).policyName("default").policy("not a policy")));
        String bobOnly = administratorOnlyPolicy().replace(BootstrapAdministrator.USER, "bob");
        assertKmsError(MalformedPolicyDocumentException.class, "will not allow you to update",
                () -> admin.putKeyPolicy(r -> r.keyId(keyId).policyName("default").policy(bobOnly)));
        assertKmsError(MalformedPolicyDocumentException.class, "Statement",
                () -> admin.createKey(r -> r.policy("{\"Version\":\"2012-10-17\"}")));
    }

    // ---- input constraints

    @Test
    void valuesOutsideTheirConstraints_areValidationException() {
        String keyId = createKey().keyId();
        assertKmsErrorCode("ValidationException", "plaintext",
                () -> admin.encrypt(r -> r.keyId(keyId).plaintext(SdkBytes.fromByteArray(new byte[4097]))));
        assertKmsErrorCode("ValidationException", "numberOfBytes",
                () -> admin.generateRandom(r -> r.numberOfBytes(1025)));
        assertKmsErrorCode("ValidationException", "KeySpec or NumberOfBytes",
                () -> admin.generateDataKey(r -> r.keyId(keyId).keySpec(DataKeySpec.AES_256).numberOfBytes(32)));
        assertKmsErrorCode("ValidationException", "pendingWindowInDays",
                () -> admin.scheduleKeyDeletion(r -> r.keyId(keyId).pendingWindowInDays(6)));
        assertKmsErrorCode("ValidationException", "rotationPeriodInDays",
                () -> admin.enableKeyRotation(r -> r.keyId(keyId).rotationPeriodInDays(89)));
    }

    @Test
    void createAlias_twice_isAlreadyExistsException() {
        String keyId = createKey().keyId();
        admin.createAlias(r -> r.aliasName("alias/taken").targetKeyId(keyId));
        assertKmsError(AlreadyExistsException.class, "alias/taken",
                () -> admin.createAlias(r -> r.aliasName("alias/taken").targetKeyId(keyId)));
    }

    @Test
    void createAlias_badOrReservedName_isInvalidAliasNameException() {
        String keyId = createKey().keyId();
        assertKmsError(InvalidAliasNameException.class, "must start with alias/",
                () -> admin.createAlias(r -> r.aliasName("no-prefix").targetKeyId(keyId)));
        assertKmsError(InvalidAliasNameException.class, "reserved",
                () -> admin.createAlias(r -> r.aliasName("alias/aws/mine").targetKeyId(keyId)));
    }

    @Test
    void tags_reservedKey_isTagException_andMoreThanFifty_isLimitExceededException() {
        String keyId = createKey().keyId();
        assertKmsError(TagException.class, "aws:",
                () -> admin.tagResource(r -> r.keyId(keyId).tags(Tag.builder().tagKey("aws:mine").tagValue("v").build())));
        List<Tag> fiftyOne = IntStream.range(0, 51).mapToObj(i -> Tag.builder().tagKey("k" + i).tagValue("v").build())
                .toList();
        assertKmsError(LimitExceededException.class, "at most 50 tags",
                () -> admin.tagResource(r -> r.keyId(keyId).tags(fiftyOne)));
    }

    @Test
    void aMalformedKeyArn_isInvalidArnException() {
        assertKmsError(InvalidArnException.class, "arn:aws:kms:nonsense",
                () -> admin.describeKey(r -> r.keyId("arn:aws:kms:nonsense")));
    }

    @Test
    void listKeys_foreignMarker_isInvalidMarkerException() {
        assertKmsError(InvalidMarkerException.class, "not-a-marker", () -> admin.listKeys(r -> r.marker("not-a-marker")));
    }

    @Test
    void whatTheServiceDoesNotOffer_isUnsupportedOperationException() {
        assertKmsError(UnsupportedOperationException.class, "RSA_2048",
                () -> admin.createKey(r -> r.keySpec(KeySpec.RSA_2048)));
        assertKmsError(UnsupportedOperationException.class, "Multi-Region keys are not supported",
                () -> admin.createKey(r -> r.multiRegion(true)));
        assertKmsError(UnsupportedOperationException.class, "DryRun",
                () -> admin.encrypt(r -> r.keyId("alias/any").plaintext(SdkBytes.fromUtf8String("x")).dryRun(true)));
    }

    // ---- SigV4

    @Test
    void wrongSecret_isInvalidSignatureException() {
        AwsBasicCredentials wrong = AwsBasicCredentials.create(server.administrator.accessKeyId(),
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        try (KmsClient client = server.client(wrong)) {
            assertKmsErrorCode("InvalidSignatureException", "signature we calculated does not match", () -> client.listKeys(r -> { }));
        }
    }

    @Test
    void unknownAccessKey_isUnrecognizedClientException() {
        AwsBasicCredentials unknown = AwsBasicCredentials.create("AKIAUNKNOWNUNKNOWN00",
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        try (KmsClient client = server.client(unknown)) {
            assertKmsErrorCode("UnrecognizedClientException", "security token", () -> client.listKeys(r -> { }));
        }
    }

    @Test
    void signedForAnotherRegion_isInvalidSignatureException() {
        try (KmsClient client = server.client(server.administrator, "eu-west-1")) {
            assertKmsErrorCode("InvalidSignatureException", "Credential should be scoped to a valid region",
                    () -> client.listKeys(r -> { }));
        }
    }
}
