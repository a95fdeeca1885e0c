package dev.kms.core.operation;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The operation table: every KMS operation this service offers, declared once. A row gives the wire name (the
 * X-Amz-Target suffix and the audit event's name), the IAM actions the call is authorized as, whether CloudTrail
 * marks it read-only, and the request members that name keys. Dispatch, authorization, audit, metrics labels and
 * the CLI's commands all read this table; the JSON handler of each row lives in kms-api's KmsJsonApi, whose
 * switch over the rows does not compile while one lacks a handler. docs/architecture.md says how to add one.
 */
public enum KmsOperation {
    // lifecycle
    CREATE_KEY("CreateKey", Access.WRITE),
    DESCRIBE_KEY("DescribeKey", Access.READ, "KeyId"),
    LIST_KEYS("ListKeys", Access.READ),
    UPDATE_KEY_DESCRIPTION("UpdateKeyDescription", Access.WRITE, "KeyId"),
    ENABLE_KEY("EnableKey", Access.WRITE, "KeyId"),
    DISABLE_KEY("DisableKey", Access.WRITE, "KeyId"),
    SCHEDULE_KEY_DELETION("ScheduleKeyDeletion", Access.WRITE, "KeyId"),
    CANCEL_KEY_DELETION("CancelKeyDeletion", Access.WRITE, "KeyId"),
    // tags
    TAG_RESOURCE("TagResource", Access.WRITE, "KeyId"),
    UNTAG_RESOURCE("UntagResource", Access.WRITE, "KeyId"),
    LIST_RESOURCE_TAGS("ListResourceTags", Access.READ, "KeyId"),
    // aliases
    CREATE_ALIAS("CreateAlias", Access.WRITE, "TargetKeyId"),
    UPDATE_ALIAS("UpdateAlias", Access.WRITE, "TargetKeyId"),
    DELETE_ALIAS("DeleteAlias", Access.WRITE),
    LIST_ALIASES("ListAliases", Access.READ, "KeyId"),
    // cryptography: CloudTrail marks these read-only, as they use a key without changing it
    ENCRYPT("Encrypt", Access.READ, "KeyId"),
    DECRYPT("Decrypt", Access.READ, "KeyId"),
    RE_ENCRYPT("ReEncrypt", Access.READ, List.of(Action.kms("ReEncryptFrom"), Action.kms("ReEncryptTo")),
            "SourceKeyId", "DestinationKeyId"),
    GENERATE_DATA_KEY("GenerateDataKey", Access.READ, "KeyId"),
    GENERATE_DATA_KEY_WITHOUT_PLAINTEXT("GenerateDataKeyWithoutPlaintext", Access.READ, "KeyId"),
    GENERATE_RANDOM("GenerateRandom", Access.READ),
    GENERATE_MAC("GenerateMac", Access.READ, "KeyId"),
    VERIFY_MAC("VerifyMac", Access.READ, "KeyId"),
    // rotation
    ENABLE_KEY_ROTATION("EnableKeyRotation", Access.WRITE, "KeyId"),
    DISABLE_KEY_ROTATION("DisableKeyRotation", Access.WRITE, "KeyId"),
    GET_KEY_ROTATION_STATUS("GetKeyRotationStatus", Access.READ, "KeyId"),
    ROTATE_KEY_ON_DEMAND("RotateKeyOnDemand", Access.WRITE, "KeyId"),
    LIST_KEY_ROTATIONS("ListKeyRotations", Access.READ, "KeyId"),
    // key policies
    GET_KEY_POLICY("GetKeyPolicy", Access.READ, "KeyId"),
    PUT_KEY_POLICY("PutKeyPolicy", Access.WRITE, "KeyId"),
    LIST_KEY_POLICIES("ListKeyPolicies", Access.READ, "KeyId");

    /** ReEncrypt's action on the key that encrypted the ciphertext. */
    public static final Action RE_ENCRYPT_FROM = RE_ENCRYPT.actions.get(0);
    /** ReEncrypt's action on the key that encrypts it anew. */
    public static final Action RE_ENCRYPT_TO = RE_ENCRYPT.actions.get(1);

    /** Whether a call changes anything (CloudTrail's readOnly). */
    enum Access { READ, WRITE }

    private static final Map<String, KmsOperation> BY_WIRE_NAME = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(KmsOperation::wireName, Function.identity()));

    private final String wireName;
    private final boolean readOnly;
    private final List<Action> actions;
    private final List<String> keyMembers;

    KmsOperation(String wireName, Access access, String... keyMembers) {
        this(wireName, access, List.of(Action.kms(wireName)), keyMembers);
    }

    KmsOperation(String wireName, Access access, List<Action> actions, String... keyMembers) {
        this.wireName = wireName;
        this.readOnly = access == Access.READ;
        this.actions = actions;
        this.keyMembers = List.of(keyMembers);
    }

    /** The name on the wire: {@code TrentService.<wireName>}, the audit event's eventName. */
    public String wireName() {
        return wireName;
    }

    /** The CLI command, as the AWS CLI names it: {@code create-key}. */
    public String cliName() {
        return wireName.replaceAll("(?<=[a-z])(?=[A-Z])", "-").toLowerCase(Locale.ROOT);
    }

    /** CloudTrail's readOnly: true when the call changes no key, alias, tag or policy. */
    public boolean readOnly() {
        return readOnly;
    }

    /** Every IAM action the call is authorized as (ReEncrypt: ReEncryptFrom on the source, ReEncryptTo). */
    public List<Action> actions() {
        return actions;
    }

    /** The one IAM action of an operation authorized as a single action. */
    public Action action() {
        if (actions.size() != 1) {
            throw new IllegalStateException(wireName + " is authorized as " + actions + ", not one action");
        }
        return actions.get(0);
    }

    /** The request members that name keys (by key id, key ARN, alias name or alias ARN). */
    public List<String> keyMembers() {
        return keyMembers;
    }

    /** The row of a wire name, or null for a name the service does not offer. */
    public static KmsOperation ofWireName(String wireName) {
        return wireName == null ? null : BY_WIRE_NAME.get(wireName);
    }
}
