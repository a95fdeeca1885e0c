package dev.kms.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.identity.RequestContext;
import dev.kms.core.model.Alias;
import dev.kms.core.model.EncryptionAlgorithm;
import dev.kms.core.model.KeyMaterial;
import dev.kms.core.model.KeyRef;
import dev.kms.core.model.KeySpec;
import dev.kms.core.model.KeyState;
import dev.kms.core.model.KeyUsage;
import dev.kms.core.model.KmsKey;
import dev.kms.core.model.MacAlgorithm;
import dev.kms.core.model.Page;
import dev.kms.core.operation.KmsOperation;
import dev.kms.core.secret.Plaintext;
import dev.kms.core.service.CreateKeyRequest;
import dev.kms.core.service.CryptoResults;
import dev.kms.core.service.DataKeySpec;
import dev.kms.core.service.KeyPolicyService;
import dev.kms.core.service.Kms;
import dev.kms.core.service.RotationService.RotationStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The AWS KMS JSON 1.1 wire layer: takes an operation name and its JSON request body, answers with the
 * JSON response body AWS would send, and throws {@link KmsException} for every error. Shared by the CLI and
 * the HTTP server, which map errors with {@link #errorBody(KmsException)}.
 */
public final class KmsJsonApi {
    private static final Logger LOG = LoggerFactory.getLogger(KmsJsonApi.class);
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    // The AWS enum value sets; values AWS knows but this service does not offer yet are UnsupportedOperation.
    private static final List<String> KEY_SPECS = List.of("RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256",
            "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1", "SYMMETRIC_DEFAULT", "HMAC_224", "HMAC_256",
            "HMAC_384", "HMAC_512", "SM2", "ML_DSA_44", "ML_DSA_65", "ML_DSA_87", "ECC_NIST_EDWARDS25519");
    private static final List<String> CUSTOMER_MASTER_KEY_SPECS = List.of("RSA_2048", "RSA_3072", "RSA_4096",
            "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1", "SYMMETRIC_DEFAULT", "HMAC_224",
            "HMAC_256", "HMAC_384", "HMAC_512", "SM2");
    private static final List<String> KEY_USAGES = List.of("SIGN_VERIFY", "ENCRYPT_DECRYPT", "GENERATE_VERIFY_MAC",
            "KEY_AGREEMENT");
    private static final List<String> ORIGINS = List.of("AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE");
    private static final List<String> DATA_KEY_SPECS = List.of("AES_256", "AES_128");

    private static final Map<KmsOperation, Handler> HANDLERS = new EnumMap<>(KmsOperation.class);

    static {
        for (KmsOperation operation : KmsOperation.values()) {
            HANDLERS.put(operation, handler(operation));
        }
    }

    private final Kms kms;

    /**
     * What one operation answered: the JSON response body, and the key ARNs the call acted on (its audit event's
     * resources); empty when the answer names no key.
     */
    public record Result(ObjectNode body, List<String> keyArns) {
        public Result {
            keyArns = List.copyOf(keyArns);
        }
    }

    /** One operation: reads the request members, calls the use case as {@code ctx}'s caller, writes the response. */
    @FunctionalInterface
    private interface Handler {
        Result handle(KmsJsonApi api, RequestContext ctx, Requests r);
    }

    /** The handler of each row of the operation table; a row without one does not compile. */
    private static Handler handler(KmsOperation operation) {
        return switch (operation) {
            case CREATE_KEY -> KmsJsonApi::createKey;
            case DESCRIBE_KEY -> (api, ctx, r) -> api.about(KmsJsonApi::metadataOf,
                    api.kms.keys().describeKey(ctx, r.requiredKeyRef("KeyId")));
            case LIST_KEYS -> KmsJsonApi::listKeys;
            case UPDATE_KEY_DESCRIPTION -> (api, ctx, r) -> api.empty(api.kms.keys().updateKeyDescription(ctx,
                    r.requiredKeyRef("KeyId"), r.requiredString("Description")));
            case ENABLE_KEY -> (api, ctx, r) -> api.empty(api.kms.keys().enableKey(ctx, r.requiredKeyRef("KeyId")));
            case DISABLE_KEY -> (api, ctx, r) -> api.empty(api.kms.keys().disableKey(ctx, r.requiredKeyRef("KeyId")));
            case SCHEDULE_KEY_DELETION -> KmsJsonApi::scheduleKeyDeletion;
            case CANCEL_KEY_DELETION -> (api, ctx, r) -> api.about(KmsJsonApi::keyArnOf,
                    api.kms.keys().cancelKeyDeletion(ctx, r.requiredKeyRef("KeyId")));
            case TAG_RESOURCE -> (api, ctx, r) -> api.empty(api.kms.keys().tagResource(ctx, r.requiredKeyRef("KeyId"),
                    r.requiredTags("Tags")));
            case UNTAG_RESOURCE -> (api, ctx, r) -> api.empty(api.kms.keys().untagResource(ctx,
                    r.requiredKeyRef("KeyId"), r.requiredStringList("TagKeys")));
            case LIST_RESOURCE_TAGS -> KmsJsonApi::listResourceTags;
            case CREATE_ALIAS -> (api, ctx, r) -> api.aliasTarget(api.kms.aliases().createAlias(ctx,
                    r.requiredString("AliasName"), r.requiredKeyRef("TargetKeyId")));
            case UPDATE_ALIAS -> (api, ctx, r) -> api.aliasTarget(api.kms.aliases().updateAlias(ctx,
                    r.requiredString("AliasName"), r.requiredKeyRef("TargetKeyId")));
            case DELETE_ALIAS -> (api, ctx, r) -> {
                api.kms.aliases().deleteAlias(ctx, r.requiredString("AliasName"));
                return answer(object());
            };
            case LIST_ALIASES -> KmsJsonApi::listAliases;
            case ENCRYPT -> KmsJsonApi::encrypt;
            case DECRYPT -> KmsJsonApi::decrypt;
            case RE_ENCRYPT -> KmsJsonApi::reEncrypt;
            case GENERATE_DATA_KEY -> (api, ctx, r) -> api.generateDataKey(ctx, r, true);
            case GENERATE_DATA_KEY_WITHOUT_PLAINTEXT -> (api, ctx, r) -> api.generateDataKey(ctx, r, false);
            case GENERATE_RANDOM -> KmsJsonApi::generateRandom;
            case GENERATE_MAC -> KmsJsonApi::generateMac;
            case VERIFY_MAC -> KmsJsonApi::verifyMac;
            case ENABLE_KEY_ROTATION -> (api, ctx, r) -> api.empty(api.kms.rotation().enableKeyRotation(ctx,
                    r.requiredKeyRef("KeyId"), r.integer("RotationPeriodInDays")));
            case DISABLE_KEY_ROTATION -> (api, ctx, r) -> api.empty(api.kms.rotation().disableKeyRotation(ctx,
                    r.requiredKeyRef("KeyId")));
            case GET_KEY_ROTATION_STATUS -> KmsJsonApi::getKeyRotationStatus;
            case ROTATE_KEY_ON_DEMAND -> (api, ctx, r) -> api.about(KmsJsonApi::keyArnOf,
                    api.kms.rotation().rotateKeyOnDemand(ctx, r.requiredKeyRef("KeyId")));
            case LIST_KEY_ROTATIONS -> KmsJsonApi::listKeyRotations;
            case GET_KEY_POLICY -> (api, ctx, r) -> answer(object().put("Policy", api.kms.policies().getKeyPolicy(ctx,
                    r.requiredKeyRef("KeyId"), r.string("PolicyName"))).put("PolicyName", KeyPolicyService.POLICY_NAME));
            case PUT_KEY_POLICY -> (api, ctx, r) -> api.empty(api.kms.policies().putKeyPolicy(ctx,
                    r.requiredKeyRef("KeyId"), r.string("PolicyName"), r.requiredString("Policy"),
                    Boolean.TRUE.equals(r.bool("BypassPolicyLockoutSafetyCheck"))));
            case LIST_KEY_POLICIES -> (api, ctx, r) -> answer(page("PolicyNames", api.kms.policies().listKeyPolicies(
                    ctx, r.requiredKeyRef("KeyId"), r.integer("Limit"), r.string("Marker")), TextNode::valueOf));
        };
    }

    public KmsJsonApi(Kms kms) {
        this.kms = kms;
    }

    /** The response body of {@link #invoke}, for callers that need no more. */
    public ObjectNode call(RequestContext ctx, String operation, JsonNode request) {
        KmsOperation known = KmsOperation.ofWireName(operation);
        if (known == null) {
            throw new KmsException(ErrorCode.UNKNOWN_OPERATION, "Unknown operation " + operation);
        }
        return invoke(ctx, known, request).body();
    }

    /**
     * Runs one operation. {@code request} is the JSON body (null or JSON null mean {@code {}}). Throws only
     * {@link KmsException}; anything else becomes KMSInternalException.
     */
    public Result invoke(RequestContext ctx, KmsOperation operation, JsonNode request) {
        Requests r = new Requests(request);
        // A dry run must not act; this service cannot answer DryRunOperationException, so it refuses.
        if (Boolean.TRUE.equals(r.bool("DryRun"))) {
            throw unsupported("DryRun is not supported.");
        }
        try {
            return HANDLERS.get(operation).handle(this, ctx, r);
        } catch (KmsException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.error("{} failed unexpectedly", operation.wireName(), e);
            throw new KmsException(ErrorCode.INTERNAL, "The service failed to process the request.", e);
        }
    }

    /** The AWS error body: {@code {"__type": "NotFoundException", "message": "..."}}. */
    public static ObjectNode errorBody(KmsException e) {
        ObjectNode body = JSON.objectNode();
        body.put("__type", e.code().awsName());
        body.put("message", e.getMessage());
        return body;
    }

    // ---- lifecycle

    private Result createKey(RequestContext ctx, Requests r) {
        String description = r.string("Description");
        r.string("Policy"); // type-checked; key policies are not evaluated yet
        r.bool("BypassPolicyLockoutSafetyCheck");
        String origin = r.enumValue("Origin", ORIGINS);
        if (origin != null && !origin.equals("AWS_KMS")) {
            throw unsupported("Origin " + origin + " is not supported; only AWS_KMS is.");
        }
        if (Boolean.TRUE.equals(r.bool("MultiRegion"))) {
            throw unsupported("Multi-Region keys are not supported.");
        }
        if (r.string("CustomKeyStoreId") != null || r.string("XksKeyId") != null) {
            throw unsupported("Custom key stores are not supported.");
        }
        String keySpec = r.enumValue("KeySpec", KEY_SPECS);
        String masterKeySpec = r.enumValue("CustomerMasterKeySpec", CUSTOMER_MASTER_KEY_SPECS);
        if (keySpec != null && masterKeySpec != null) {
            throw KmsException.validation("customerMasterKeySpec", "Specify KeySpec or CustomerMasterKeySpec, not both");
        }
        KeySpec spec = offered(KeySpec.class, keySpec != null ? keySpec : masterKeySpec, "KeySpec");
        KeyUsage usage = offered(KeyUsage.class, r.enumValue("KeyUsage", KEY_USAGES), "KeyUsage");
        Boolean bypass = r.bool("BypassPolicyLockoutSafetyCheck");
        KmsKey key = kms.keys().createKey(ctx, new CreateKeyRequest(description, spec, usage, r.tags("Tags"),
                r.string("Policy"), Boolean.TRUE.equals(bypass)));
        return about(KmsJsonApi::metadataOf, key);
    }

    private Result listKeys(RequestContext ctx, Requests r) {
        Page<KmsKey> page = kms.keys().listKeys(ctx, r.integer("Limit"), r.string("Marker"));
        return answer(page("Keys", page, key -> object().put("KeyId", key.keyId()).put("KeyArn", arn(key))));
    }

    private Result scheduleKeyDeletion(RequestContext ctx, Requests r) {
        KmsKey key = kms.keys().scheduleKeyDeletion(ctx, r.requiredKeyRef("KeyId"), r.integer("PendingWindowInDays"));
        return answer(keyArnOf(this, key).<ObjectNode>set("DeletionDate", timestamp(key.deletionDate()))
                .put("KeyState", key.state().name())
                .put("PendingWindowInDays", key.pendingWindowInDays()), arn(key));
    }

    // ---- tags

    private Result listResourceTags(RequestContext ctx, Requests r) {
        Page<Map.Entry<String, String>> page = kms.keys().listResourceTags(ctx, r.requiredKeyRef("KeyId"),
                r.integer("Limit"), r.string("Marker"));
        return answer(page("Tags", page, tag -> object().put("TagKey", tag.getKey()).put("TagValue", tag.getValue())));
    }

    // ---- aliases

    /** {@code {}}, about the key the alias now names. */
    private Result aliasTarget(Alias alias) {
        return answer(object(), kms.deployment().arnPrefix(alias.accountId()) + "key/" + alias.targetKeyId());
    }

    private Result listAliases(RequestContext ctx, Requests r) {
        Page<Alias> page = kms.aliases().listAliases(ctx, r.keyRef("KeyId"), r.integer("Limit"), r.string("Marker"));
        return answer(page("Aliases", page, alias -> object()
                .put("AliasName", alias.aliasName())
                .put("AliasArn", kms.aliases().aliasArn(alias))
                .put("TargetKeyId", alias.targetKeyId())
                .<ObjectNode>set("CreationDate", timestamp(alias.creationDate()))
                .set("LastUpdatedDate", timestamp(alias.lastUpdatedDate()))));
    }

    // ---- cryptography

    private Result encrypt(RequestContext ctx, Requests r) {
        KeyRef keyId = r.requiredKeyRef("KeyId");
        Map<String, String> context = r.stringMap("EncryptionContext");
        EncryptionAlgorithm algorithm = r.enumValue("EncryptionAlgorithm", EncryptionAlgorithm.class);
        byte[] plaintext = r.requiredBlob("Plaintext");
        try {
            CryptoResults.Encrypted result = kms.crypto().encrypt(ctx, keyId, plaintext, context, algorithm);
            return answer(object().put("CiphertextBlob", base64(result.ciphertextBlob()))
                    .put("KeyId", result.keyArn())
                    .put("EncryptionAlgorithm", result.encryptionAlgorithm().name()), result.keyArn());
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    private Result decrypt(RequestContext ctx, Requests r) {
        refuseRecipient(r);
        CryptoResults.Decrypted result = kms.crypto().decrypt(ctx, r.requiredBlob("CiphertextBlob"),
                r.stringMap("EncryptionContext"), r.keyRef("KeyId"),
                r.enumValue("EncryptionAlgorithm", EncryptionAlgorithm.class));
        return answer(object().put("KeyId", result.keyArn())
                .put("Plaintext", reveal(result.plaintext()))
                .put("EncryptionAlgorithm", result.encryptionAlgorithm().name()), result.keyArn());
    }

    private Result reEncrypt(RequestContext ctx, Requests r) {
        CryptoResults.ReEncrypted result = kms.crypto().reEncrypt(ctx, r.requiredBlob("CiphertextBlob"),
                r.stringMap("SourceEncryptionContext"), r.keyRef("SourceKeyId"), r.requiredKeyRef("DestinationKeyId"),
                r.stringMap("DestinationEncryptionContext"),
                r.enumValue("SourceEncryptionAlgorithm", EncryptionAlgorithm.class),
                r.enumValue("DestinationEncryptionAlgorithm", EncryptionAlgorithm.class));
        return answer(object().put("CiphertextBlob", base64(result.ciphertextBlob()))
                .put("SourceKeyId", result.sourceKeyArn())
                .put("KeyId", result.keyArn())
                .put("SourceEncryptionAlgorithm", result.sourceEncryptionAlgorithm().name())
                .put("DestinationEncryptionAlgorithm", result.destinationEncryptionAlgorithm().name()),
                result.keyArn(), result.sourceKeyArn());
    }

    private Result generateDataKey(RequestContext ctx, Requests r, boolean withPlaintext) {
        if (withPlaintext) {
            refuseRecipient(r);
        }
        KeyRef keyId = r.requiredKeyRef("KeyId");
        Map<String, String> context = r.stringMap("EncryptionContext");
        String spec = r.enumValue("KeySpec", DATA_KEY_SPECS);
        Integer numberOfBytes = r.integer("NumberOfBytes");
        CryptoResults.DataKey result = kms.crypto().generateDataKey(ctx, keyId, context,
                spec == null ? null : DataKeySpec.valueOf(spec), numberOfBytes, withPlaintext);
        ObjectNode response = object().put("CiphertextBlob", base64(result.ciphertextBlob()));
        if (result.plaintext() != null) {
            response.put("Plaintext", reveal(result.plaintext()));
        }
        return answer(response.put("KeyId", result.keyArn()), result.keyArn());
    }

    private Result generateRandom(RequestContext ctx, Requests r) {
        refuseRecipient(r);
        if (r.string("CustomKeyStoreId") != null) {
            throw unsupported("Custom key stores are not supported.");
        }
        return answer(object().put("Plaintext", reveal(kms.crypto().generateRandom(ctx, r.integer("NumberOfBytes")))));
    }

    private Result generateMac(RequestContext ctx, Requests r) {
        KeyRef keyId = r.requiredKeyRef("KeyId");
        MacAlgorithm algorithm = r.required("MacAlgorithm", r.enumValue("MacAlgorithm", MacAlgorithm.class));
        CryptoResults.Mac result = kms.crypto().generateMac(ctx, keyId, r.requiredBlob("Message"), algorithm);
        return answer(object().put("Mac", base64(result.mac()))
                .put("MacAlgorithm", result.macAlgorithm().name())
                .put("KeyId", result.keyArn()), result.keyArn());
    }

    private Result verifyMac(RequestContext ctx, Requests r) {
        KeyRef keyId = r.requiredKeyRef("KeyId");
        MacAlgorithm algorithm = r.required("MacAlgorithm", r.enumValue("MacAlgorithm", MacAlgorithm.class));
        CryptoResults.Mac result = kms.crypto().verifyMac(ctx, keyId, r.requiredBlob("Message"), algorithm,
                r.requiredBlob("Mac"));
        return answer(object().put("KeyId", result.keyArn())
                .put("MacValid", true)
                .put("MacAlgorithm", result.macAlgorithm().name()), result.keyArn());
    }

    // ---- rotation

    private Result getKeyRotationStatus(RequestContext ctx, Requests r) {
        RotationStatus status = kms.rotation().getKeyRotationStatus(ctx, r.requiredKeyRef("KeyId"));
        ObjectNode response = object().put("KeyRotationEnabled", status.enabled()).put("KeyId", status.keyArn());
        if (status.rotationPeriodInDays() != null) {
            response.put("RotationPeriodInDays", status.rotationPeriodInDays());
        }
        if (status.nextRotationDate() != null) {
            response.set("NextRotationDate", timestamp(status.nextRotationDate()));
        }
        return answer(response, status.keyArn());
    }

    private Result listKeyRotations(RequestContext ctx, Requests r) {
        KeyRef keyRef = r.requiredKeyRef("KeyId");
        Integer limit = r.integer("Limit");
        String marker = r.string("Marker");
        String arn = arn(kms.keys().describeKey(ctx, keyRef));
        Page<KeyMaterial> page = kms.rotation().listKeyRotations(ctx, keyRef, limit, marker);
        return answer(page("Rotations", page, m -> object()
                .put("KeyId", arn)
                .put("KeyMaterialId", m.id().hex())
                .<ObjectNode>set("RotationDate", timestamp(m.createdAt()))
                .put("RotationType", m.rotationType().name())), arn);
    }

    // ---- response shapes

    private ObjectNode keyMetadata(KmsKey key) {
        ObjectNode m = object()
                .put("AWSAccountId", key.accountId())
                .put("KeyId", key.keyId())
                .put("Arn", arn(key))
                .<ObjectNode>set("CreationDate", timestamp(key.creationDate()))
                .put("Enabled", key.state() == KeyState.Enabled)
                .put("Description", key.description())
                .put("KeyUsage", key.keyUsage().name())
                .put("KeyState", key.state().name());
        if (key.deletionDate() != null) {
            m.set("DeletionDate", timestamp(key.deletionDate()));
        }
        if (key.pendingWindowInDays() != null) {
            m.put("PendingDeletionWindowInDays", key.pendingWindowInDays());
        }
        m.put("Origin", key.origin().name())
                .put("KeyManager", key.keyManager().name())
                .put("KeySpec", key.keySpec().name())
                .put("CustomerMasterKeySpec", key.keySpec().name());
        if (key.keyUsage() == KeyUsage.ENCRYPT_DECRYPT) {
            ArrayNode algorithms = m.putArray("EncryptionAlgorithms");
            key.keySpec().encryptionAlgorithms().forEach(a -> algorithms.add(a.name()));
        }
        if (key.keyUsage() == KeyUsage.GENERATE_VERIFY_MAC) {
            ArrayNode algorithms = m.putArray("MacAlgorithms");
            key.keySpec().macAlgorithms().forEach(a -> algorithms.add(a.name()));
        }
        return m.put("MultiRegion", false)
                .put("CurrentKeyMaterialId", key.currentMaterial().id().hex());
    }

    /** {@code {"KeyMetadata": ...}}, the answer of CreateKey and DescribeKey. */
    private static ObjectNode metadataOf(KmsJsonApi api, KmsKey key) {
        return object().set("KeyMetadata", api.keyMetadata(key));
    }

    /** {@code {"KeyId": <key ARN>}}, the whole answer of CancelKeyDeletion and RotateKeyOnDemand. */
    private static ObjectNode keyArnOf(KmsJsonApi api, KmsKey key) {
        return object().put("KeyId", api.arn(key));
    }

    /** The body {@code shape} makes of {@code key}, about that key. */
    private Result about(BiFunction<KmsJsonApi, KmsKey, ObjectNode> shape, KmsKey key) {
        return answer(shape.apply(this, key), arn(key));
    }

    private static Result answer(ObjectNode body, String... keyArns) {
        return new Result(body, List.of(keyArns));
    }

    private String arn(KmsKey key) {
        return kms.deployment().keyArn(key);
    }

    private static <T> ObjectNode page(String member, Page<T> page, Function<T, ? extends JsonNode> item) {
        ObjectNode response = object();
        ArrayNode items = response.putArray(member);
        page.items().forEach(i -> items.add(item.apply(i)));
        response.put("Truncated", page.truncated());
        if (page.truncated()) {
            response.put("NextMarker", page.nextMarker());
        }
        return response;
    }

    /**
     * Epoch seconds as a JSON number, with the milliseconds as a fraction when there are any
     * (AWS sends e.g. 1.700000000123E9); whole seconds stay integers.
     */
    static JsonNode timestamp(Instant instant) {
        long millis = instant.toEpochMilli();
        return millis % 1000 == 0 ? LongNode.valueOf(millis / 1000) : DecimalNode.valueOf(BigDecimal.valueOf(millis, 3));
    }

    /** Writes secret bytes as base64 and zeroizes them at once. */
    private static String reveal(Plaintext plaintext) {
        try {
            return base64(plaintext.bytes());
        } finally {
            plaintext.destroy();
        }
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** Write operations answer {@code {}}, about the key they changed. */
    private Result empty(KmsKey changed) {
        return answer(object(), arn(changed));
    }

    private static ObjectNode object() {
        return JSON.objectNode();
    }

    /** Attested enclave recipients would get the plaintext in the clear if ignored, so they are refused. */
    private static void refuseRecipient(Requests r) {
        if (r.has("Recipient")) {
            throw unsupported("Recipient (attested enclaves) is not supported.");
        }
    }

    private static <E extends Enum<E>> E offered(Class<E> type, String value, String member) {
        if (value == null) {
            return null;
        }
        try {
            return Enum.valueOf(type, value);
        } catch (IllegalArgumentException e) {
            throw unsupported(member + " " + value + " is not supported by this service.");
        }
    }

    private static KmsException unsupported(String message) {
        return new KmsException(ErrorCode.UNSUPPORTED_OPERATION, message);
    }
}
