package dev.kms.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kms.api.AuditedCalls;
import dev.kms.api.AuditedIdentityApi;
import dev.kms.api.IdentityApi;
import dev.kms.api.AuditedKmsApi;
import dev.kms.api.JsonPolicyParser;
import dev.kms.api.KmsJsonApi;
import dev.kms.audit.FileAuditTrail;
import dev.kms.core.audit.AuditEvent;
import dev.kms.core.audit.AuditParameters;
import dev.kms.core.audit.HsmTrailSealer;
import dev.kms.core.audit.TrailSealer;
import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.identity.IdentityDirectory;
import dev.kms.core.identity.IdentityServices;
import dev.kms.core.identity.OnBehalfOf;
import dev.kms.core.identity.Principal;
import dev.kms.core.identity.RequestContext;
import dev.kms.core.identity.ServiceKeys;
import dev.kms.core.model.Deployment;
import dev.kms.core.model.KeySpec;
import dev.kms.core.port.Hsm;
import dev.kms.core.port.SessionPoolStats;
import dev.kms.core.service.CachingMetadataStore;
import dev.kms.core.service.Kms;
import dev.kms.core.service.MaintenanceService.MaintenanceReport;
import dev.kms.pkcs11.Pkcs11Hsm;
import dev.kms.store.SqliteIdentityStore;
import dev.kms.store.SqliteMetadataStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The service opened for one command: the token (logged in), the metadata and identity stores, the use
 * cases and the audit trail under KMS_HOME/audit (sealed by the service-owned "audit-seal" HMAC key), with
 * the overdue rotations and deletions already done. Every KMS call goes through {@link AuditedKmsApi}; the
 * IAM, STS and account calls and the service's own rotations and deletions through the same
 * {@link AuditedCalls}. Closing seals and closes the trail, closes the stores and logs out.
 */
final class KmsSession implements KmsClient, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KmsSession.class);

    /** Names the seal key in digest records: the label of its token object. */
    static final String SEAL_KEY_ID = ServiceKeys.LABEL_PREFIX + ServiceKeys.AUDIT_SEAL;
    /** How long a command waits for another one writing the same trail (see AuditTrailLock). */
    private static final Duration TRAIL_LOCK_TIMEOUT = Duration.ofSeconds(60);
    /**
     * Keys and aliases stay in memory this long, so a server's Encrypt and Decrypt do not read SQLite; this
     * process's own writes show at once, and another process's within this time.
     */
    private static final Duration METADATA_TTL = Duration.ofSeconds(1);

    private final Pkcs11Hsm hsm;
    private final SqliteMetadataStore store;
    private final SqliteIdentityStore identities;
    private final Kms kms;
    private final TrailSealer sealer;
    private final Path auditDirectory;
    private final FileAuditTrail trail;
    private final AuditTrailLock trailLock;
    private final AuditedKmsApi api;
    private final AuditedCalls audit;
    private RequestContext operator;
    private IdentityServices identity;
    private AuditedIdentityApi identityApi;

    private KmsSession(Pkcs11Hsm hsm, SqliteMetadataStore store, SqliteIdentityStore identities, Kms kms,
                       TrailSealer sealer, Path auditDirectory, FileAuditTrail trail, AuditTrailLock trailLock,
                       RequestContext operator) {
        this.hsm = hsm;
        this.store = store;
        this.identities = identities;
        this.kms = kms;
        this.sealer = sealer;
        this.auditDirectory = auditDirectory;
        this.trail = trail;
        this.trailLock = trailLock;
        this.api = trail == null ? null
                : new AuditedKmsApi(new KmsJsonApi(kms), trail, kms.deployment(), Clock.systemUTC());
        this.audit = trail == null ? null : new AuditedCalls(trail, kms.deployment(), Clock.systemUTC());
        this.operator = operator;
    }

    /**
     * Loads the config of {@code home} (creating the embedded default on first use), opens the token and
     * the store, and runs the due-check so that overdue automatic rotations and deletions happen without
     * anyone asking.
     */
    static KmsSession open(KmsHome home, Map<String, String> env) {
        return open(home, env, true);
    }

    /**
     * A session for reading the audit trail ({@code kms audit verify}, which needs the seal key): the trail is
     * not opened for writing, so a damaged trail can still be examined, no due-check runs and {@link #call}
     * is refused.
     */
    static KmsSession openForAuditReading(KmsHome home, Map<String, String> env) {
        return open(home, env, false);
    }

    private static KmsSession open(KmsHome home, Map<String, String> env, boolean writeTrail) {
        if (!Files.exists(home.configFile())) {
            EmbeddedDefault.create(home);
        }
        CliConfig config = CliConfig.load(home);
        if (config.softhsm2Conf() != null) {
            EmbeddedDefault.requireEnvironment(config.softhsm2Conf());
        }
        if (config.pin() instanceof CliConfig.PinFile file && CliConfig.readableByOthers(file.file())) {
            LOG.warn("The PIN file {} is readable by group or others; restrict it with chmod 600", file.file());
        }
        Pkcs11Hsm hsm;
        char[] pin = config.pin().read(env);
        try {
            hsm = Pkcs11Hsm.open(config.pkcs11(), pin);
        } finally {
            Arrays.fill(pin, '\0');
        }
        SqliteMetadataStore store;
        try {
            store = SqliteMetadataStore.open(home.database());
        } catch (RuntimeException e) {
            hsm.close();
            throw e;
        }
        SqliteIdentityStore identities = null;
        FileAuditTrail trail = null;
        AuditTrailLock trailLock = null;
        TrailSealer sealer;
        Path auditDirectory = home.auditDirectory();
        try {
            identities = SqliteIdentityStore.open(home.database());
            sealer = new HsmTrailSealer(hsm,
                    new ServiceKeys(hsm, identities).ensure(ServiceKeys.AUDIT_SEAL, KeySpec.HMAC_256), SEAL_KEY_ID);
            if (writeTrail) {
                trailLock = AuditTrailLock.acquire(home.dir().resolve("audit.lock"), TRAIL_LOCK_TIMEOUT);
                if (!Files.exists(auditDirectory)) {
                    KmsHome.createPrivateDirectory(auditDirectory);
                }
                trail = FileAuditTrail.open(auditDirectory, sealer);
            }
        } catch (RuntimeException e) {
            closeAll(null, trailLock, identities, store, hsm);
            throw e;
        }
        Deployment deployment = config.deployment();
        JsonPolicyParser parser = new JsonPolicyParser();
        IdentityServices identity;
        try {
            identity = IdentityServices.create(deployment, hsm, identities, identities, parser, Clock.systemUTC());
        } catch (RuntimeException e) {
            closeAll(trail, trailLock, identities, store, hsm);
            throw e;
        }
        Kms kms = Kms.create(deployment, hsm, new CachingMetadataStore(store, METADATA_TTL), parser,
                new IdentityDirectory(identity, Clock.systemUTC(), IdentityDirectory.POLICY_STALENESS), Clock.systemUTC());
        RequestContext operator = RequestContext.direct(Principal.root(deployment.partition(), deployment.accountId()),
                null, "kms-cli");
        KmsSession session = new KmsSession(hsm, store, identities, kms, sealer, auditDirectory, trail, trailLock,
                operator);
        session.identity = identity;
        if (!writeTrail) {
            return session;
        }
        session.identityApi = new AuditedIdentityApi(new IdentityApi(identity.iam(), identity.sts()), session.audit);
        try {
            MaintenanceReport report = session.runMaintenance();
            if (!report.rotated().isEmpty() || !report.deleted().isEmpty()) {
                LOG.info("Due-check rotated {} and deleted {}", report.rotatedKeyIds(), report.deletedKeyIds());
            }
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
        return session;
    }

    Kms kms() {
        return kms;
    }

    Hsm hsm() {
        return hsm;
    }

    /** The token's session pool use, for the server's metrics. */
    SessionPoolStats hsmSessionPool() {
        return hsm.sessionPoolStats();
    }

    /** Runs one AWS KMS operation as the local operator, the root of the configured account; audited. */
    @Override
    public ObjectNode call(String operation, JsonNode request) {
        return call(operator, operation, request);
    }

    /** Runs one AWS KMS operation as {@code ctx}'s principal (a server's callers); audited. */
    ObjectNode call(RequestContext ctx, String operation, JsonNode request) {
        requireTrail();
        return api.call(ctx, operation, request);
    }

    /**
     * Runs one IAM, STS or account call ({@code work}, as the session's caller) and records it as {@code eventName}
     * of {@code eventSource} before answering, success or failure: {@code requestParameters} and the response
     * through {@link AuditParameters}, so no secret access key or session token reaches the trail. A read-only
     * call's responseElements are null, as CloudTrail writes them.
     */
    JsonNode callIdentity(String eventSource, String eventName, boolean readOnly, Map<String, Object> requestParameters,
                          Supplier<JsonNode> work) {
        requireTrail();
        AuditEvent.Builder event = audit.event(operator, eventSource, eventName)
                .readOnly(readOnly)
                .requestParameters(AuditParameters.of(requestParameters));
        return audit.call(event, work,
                (e, response) -> e.responseElements(readOnly ? null : AuditedCalls.parameters(response)), e -> { });
    }

    /**
     * Runs one IAM or STS action of the Query API ({@link IdentityApi}) as {@code ctx}'s caller: the local
     * commands' caller or a server's; audited as {@code service}.amazonaws.com's event.
     */
    ObjectNode callIdentity(RequestContext ctx, String service, String action, Map<String, String> parameters) {
        requireTrail();
        return identityApi.call(ctx, service, action, parameters);
    }

    /**
     * Runs the due automatic rotations and deletions ({@code MaintenanceService.runDue}) and records each as the
     * service's own RotateKey or DeleteKey event with the key's ARN, before returning the report; refused when
     * the trail is broken. The due-check of every command and the server's scheduler call it.
     */
    MaintenanceReport runMaintenance() {
        requireTrail();
        return audit.serviceWork(kms.maintenance()::runDue, report -> {
            List<AuditEvent> events = new ArrayList<>();
            report.rotated().forEach(k -> events.add(audit.serviceEvent("RotateKey", k.accountId(), k.keyArn())));
            report.deleted().forEach(k -> events.add(audit.serviceEvent("DeleteKey", k.accountId(), k.keyArn())));
            return events;
        });
    }

    private void requireTrail() {
        if (audit == null) {
            throw new KmsException(ErrorCode.INTERNAL, "This session only reads the audit trail.");
        }
    }

    /** A server's readiness: the token answers a logged-in call and the metadata database can be read. */
    boolean ready() {
        hsm.generateRandom(1);
        store.listKeys(kms.deployment().accountId(), null, 1);
        return trail == null || trail.healthy();
    }

    /** The seal key of the audit trail, to verify it. */
    TrailSealer auditSealer() {
        return sealer;
    }

    /** KMS_HOME/audit, where the trail lives. */
    Path auditDirectory() {
        return auditDirectory;
    }

    /** The caller every request of this session is evaluated as: the local operator unless {@link #actAs} said otherwise. */
    RequestContext operator() {
        return operator;
    }

    /** IAM, STS and authentication on this deployment's identity store. */
    IdentityServices identity() {
        return identity;
    }

    /**
     * Makes every later request of this session the request of the principal {@code credentials} belong to,
     * instead of the local operator's, made through the integrated service {@code service} belong to when given
     * ({@link OnBehalfOf}); AccessDeniedException (AWS's wording) when either is refused. The refusal is audited
     * first through {@code refusal} (null: not audited, for commands that are not calls), naming only the access
     * key id that was refused. The caller keeps and clears the credentials.
     */
    void actAs(Credentials credentials, Credentials service, Refusal refusal) {
        Credentials presented = credentials;
        try {
            Principal principal = credentials.authenticate(identity.authenticator());
            if (service == null) {
                operator = RequestContext.direct(principal, null, "kms-cli");
                return;
            }
            presented = service;
            operator = OnBehalfOf.context(principal, service.authenticate(identity.authenticator()), null, "kms-cli");
        } catch (KmsException e) {
            if (refusal == null || api == null) {
                throw e;
            }
            throw refusal.record(this, presented.accessKeyId(), e);
        }
    }

    /** Audits a refused caller's attempt as the event of the call it asked for, naming only the refused key id. */
    @FunctionalInterface
    interface Refusal {
        KmsException record(KmsSession session, String accessKeyId, KmsException error);

        /** The refusal of the KMS operation {@code operation}. */
        static Refusal ofKmsCall(String operation, JsonNode request) {
            return (session, accessKeyId, error) -> session.api.recordRefusedCredentials(accessKeyId, operation, request,
                    null, "kms-cli", UUID.randomUUID().toString(), error);
        }

        /** The refusal of an identity command (see {@link #callIdentity}). */
        static Refusal ofIdentityCall(String eventSource, String eventName, boolean readOnly,
                                      Map<String, Object> requestParameters) {
            return (session, accessKeyId, error) -> session.audit.refused(session.audit.event(
                            new AuditEvent.UserIdentity("Unknown", null, null, null, accessKeyId, null), null, "kms-cli",
                            UUID.randomUUID().toString(), eventSource, eventName)
                    .readOnly(readOnly)
                    .requestParameters(AuditParameters.of(requestParameters)), error);
        }
    }

    /** Seals and closes the trail (it needs the token), then the stores, then logs out. */
    @Override
    public void close() {
        closeAll(trail, trailLock, identities, store, hsm);
    }

    private static void closeAll(FileAuditTrail trail, AuditTrailLock trailLock, SqliteIdentityStore identities,
                                 SqliteMetadataStore store, Pkcs11Hsm hsm) {
        try {
            try {
                if (trail != null) {
                    trail.close();
                }
            } finally {
                if (trailLock != null) {
                    trailLock.close();
                }
            }
        } finally {
            try {
                if (identities != null) {
                    identities.close();
                }
            } finally {
                try {
                    store.close();
                } finally {
                    hsm.close();
                }
            }
        }
    }
}
