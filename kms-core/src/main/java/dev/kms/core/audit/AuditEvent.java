package dev.kms.core.audit;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One call to the service, allowed or denied, successful or failed, in the shape of a CloudTrail KMS
 * event (docs: kms-reference.md, "Audit events"). Holds no secrets: build {@code requestParameters} and
 * {@code responseElements} with {@link AuditParameters#of(Map)}.
 */
public record AuditEvent(
        String eventVersion,
        UserIdentity userIdentity,
        Instant eventTime,
        String eventSource,
        String eventName,
        String awsRegion,
        String sourceIPAddress,
        String userAgent,
        Map<String, Object> requestParameters,
        Map<String, Object> responseElements,
        String requestID,
        UUID eventID,
        boolean readOnly,
        List<Resource> resources,
        String errorCode,
        String errorMessage) {

    /** The CloudTrail record format version these events follow. */
    public static final String EVENT_VERSION = "1.08";
    public static final String EVENT_SOURCE = "kms.amazonaws.com";

    public AuditEvent {
        require(eventVersion, "eventVersion");
        require(userIdentity, "userIdentity");
        require(eventTime, "eventTime");
        require(eventSource, "eventSource");
        require(eventName, "eventName");
        require(awsRegion, "awsRegion");
        require(requestID, "requestID");
        require(eventID, "eventID");
        requestParameters = requestParameters == null ? null : unmodifiableCopy(requestParameters);
        responseElements = responseElements == null ? null : unmodifiableCopy(responseElements);
        resources = resources == null ? List.of() : List.copyOf(resources);
        if (errorMessage != null && errorCode == null) {
            throw new IllegalArgumentException("errorMessage requires errorCode");
        }
    }

    /** True when the call failed; errorCode then holds the AWS exception name. */
    public boolean failed() {
        return errorCode != null;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Who made the call: the authenticated principal, as CloudTrail's {@code userIdentity}; {@code invokedBy} is
     * the integrated service that called on its behalf (the request's kms:ViaService), null for direct calls.
     */
    public record UserIdentity(String type, String principalId, String arn, String accountId, String accessKeyId,
                               String userName, String invokedBy) {
        public UserIdentity {
            require(type, "userIdentity.type");
        }

        /** A direct call's identity. */
        public UserIdentity(String type, String principalId, String arn, String accountId, String accessKeyId,
                            String userName) {
            this(type, principalId, arn, accountId, accessKeyId, userName, null);
        }
    }

    /** A key the call touched, as CloudTrail's {@code resources} entry. */
    public record Resource(String accountId, String type, String arn) {
        public static final String KMS_KEY = "AWS::KMS::Key";

        public Resource {
            require(type, "resources.type");
            require(arn, "resources.ARN");
        }

        /** A KMS key resource from its ARN and account. */
        public static Resource key(String accountId, String keyArn) {
            return new Resource(accountId, KMS_KEY, keyArn);
        }
    }

    /** Builds an event, defaulting eventVersion, eventSource and a random eventID. */
    public static final class Builder {
        private String eventVersion = EVENT_VERSION;
        private UserIdentity userIdentity;
        private Instant eventTime;
        private String eventSource = EVENT_SOURCE;
        private String eventName;
        private String awsRegion;
        private String sourceIPAddress;
        private String userAgent;
        private Map<String, Object> requestParameters;
        private Map<String, Object> responseElements;
        private String requestID;
        private UUID eventID = UUID.randomUUID();
        private boolean readOnly;
        private List<Resource> resources = List.of();
        private String errorCode;
        private String errorMessage;

        private Builder() {
        }

        public Builder eventVersion(String value) { eventVersion = value; return this; }
        public Builder userIdentity(UserIdentity value) { userIdentity = value; return this; }
        public Builder eventTime(Instant value) { eventTime = value; return this; }
        public Builder eventSource(String value) { eventSource = value; return this; }
        public Builder eventName(String value) { eventName = value; return this; }
        public Builder awsRegion(String value) { awsRegion = value; return this; }
        public Builder sourceIPAddress(String value) { sourceIPAddress = value; return this; }
        public Builder userAgent(String value) { userAgent = value; return this; }
        public Builder requestParameters(Map<String, Object> value) { requestParameters = value; return this; }
        public Builder responseElements(Map<String, Object> value) { responseElements = value; return this; }
        public Builder requestID(String value) { requestID = value; return this; }
        public Builder eventID(UUID value) { eventID = value; return this; }
        public Builder readOnly(boolean value) { readOnly = value; return this; }
        public Builder resources(List<Resource> value) { resources = value; return this; }

        /** Marks the call failed with the AWS exception name and the message the caller saw. */
        public Builder error(String code, String message) {
            errorCode = code;
            errorMessage = message;
            return this;
        }

        public AuditEvent build() {
            return new AuditEvent(eventVersion, userIdentity, eventTime, eventSource, eventName, awsRegion,
                    sourceIPAddress, userAgent, requestParameters, responseElements, requestID, eventID, readOnly,
                    resources, errorCode, errorMessage);
        }
    }

    private static void require(Object value, String field) {
        if (value == null || value instanceof String s && s.isEmpty()) {
            throw new IllegalArgumentException(field + " is required");
        }
    }

    // JSON-like values may be null, which Map.copyOf refuses; insertion order is kept for readable records.
    private static Map<String, Object> unmodifiableCopy(Map<String, Object> map) {
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "parameter name"), v));
        return Collections.unmodifiableMap(copy);
    }
}
