package dev.kms.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kms.core.error.KmsException;
import dev.kms.core.identity.IdentityServices;
import dev.kms.core.identity.OnBehalfOf;
import dev.kms.core.identity.Principal;
import dev.kms.core.identity.RequestContext;
import dev.kms.core.model.Deployment;
import dev.kms.core.port.Hsm;
import dev.kms.core.port.TrailSealer;
import dev.kms.core.service.Kms;
import dev.kms.node.KmsHome;
import dev.kms.node.KmsNode;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One command's service: the {@link KmsNode} of KMS_HOME, and who the command acts as. That is the local operator,
 * the root of the configured account, unless the command presents credentials ({@link #actAs}).
 */
public final class KmsSession implements KmsClient, AutoCloseable {
    static final String USER_AGENT = "kms-cli";

    private final KmsNode node;
    private RequestContext operator;

    private KmsSession(KmsNode node) {
        this.node = node;
        Deployment deployment = node.kms().deployment();
        this.operator = RequestContext.direct(Principal.root(deployment.partition(), deployment.accountId()), null,
                USER_AGENT);
    }

    /** The node of {@code home}, with its due-check done (see {@link KmsNode#open}). */
    static KmsSession open(KmsHome home, Map<String, String> env) {
        return new KmsSession(KmsNode.open(home, env));
    }

    /** The node of {@code home} with its trail only read (see {@link KmsNode#openForAuditReading}). */
    static KmsSession openForAuditReading(KmsHome home, Map<String, String> env) {
        return new KmsSession(KmsNode.openForAuditReading(home, env));
    }

    public Kms kms() {
        return node.kms();
    }

    public Hsm hsm() {
        return node.hsm();
    }

    public IdentityServices identity() {
        return node.identity();
    }

    /** Runs one AWS KMS operation as this command's caller; audited. */
    @Override
    public ObjectNode call(String operation, JsonNode request) {
        return node.call(operator, operation, request);
    }

    /** {@link KmsNode#callIdentity(RequestContext, String, String, boolean, Map, Supplier)} as this command's caller. */
    public JsonNode callIdentity(String eventSource, String eventName, boolean readOnly,
                                 Map<String, Object> requestParameters, Supplier<JsonNode> work) {
        return node.callIdentity(operator, eventSource, eventName, readOnly, requestParameters, work);
    }

    /** One IAM or STS action of the Query API as this command's caller; audited. */
    ObjectNode callIdentity(String service, String action, Map<String, String> parameters) {
        return node.callIdentity(operator, service, action, parameters);
    }

    public TrailSealer auditSealer() {
        return node.auditSealer();
    }

    public Path auditDirectory() {
        return node.auditDirectory();
    }

    /** The caller every request of this command is evaluated as. */
    public RequestContext operator() {
        return operator;
    }

    /**
     * Makes every later request of this command the request of the principal {@code credentials} belong to,
     * instead of the local operator's, made through the integrated service {@code service} belong to when given
     * ({@link OnBehalfOf}); AccessDeniedException (AWS's wording) when either is refused. The refusal is audited
     * first through {@code refusal} (null: not audited, for commands that are not calls), naming only the access
     * key id that was refused. The caller keeps and clears the credentials.
     */
    void actAs(Credentials credentials, Credentials service, Refusal refusal) {
        Credentials presented = credentials;
        try {
            Principal principal = credentials.authenticate(node.identity().authenticator());
            if (service == null) {
                operator = RequestContext.direct(principal, null, USER_AGENT);
                return;
            }
            presented = service;
            operator = OnBehalfOf.context(principal, service.authenticate(node.identity().authenticator()), null,
                    USER_AGENT);
        } catch (KmsException e) {
            if (refusal == null) {
                throw e;
            }
            throw refusal.record(node, presented.accessKeyId(), e);
        }
    }

    /** Audits a refused caller's attempt as the event of the call it asked for, naming only the refused key id. */
    @FunctionalInterface
    public interface Refusal {
        KmsException record(KmsNode node, String accessKeyId, KmsException error);

        /** The refusal of the KMS operation {@code operation}. */
        static Refusal ofKmsCall(String operation, JsonNode request) {
            return (node, accessKeyId, error) -> node.refusedKmsCall(accessKeyId, operation, request, USER_AGENT,
                    error);
        }

        /** The refusal of an identity command (see {@link #callIdentity}). */
        static Refusal ofIdentityCall(String eventSource, String eventName, boolean readOnly,
                                      Map<String, Object> requestParameters) {
            return (node, accessKeyId, error) -> node.refusedIdentityCall(accessKeyId, eventSource, eventName,
                    readOnly, requestParameters, USER_AGENT, error);
        }
    }

    @Override
    public void close() {
        node.close();
    }
}
