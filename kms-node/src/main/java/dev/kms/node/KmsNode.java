package dev.kms.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kms.api.AuditedCalls;
import dev.kms.api.AuditedIdentityApi;
import dev.kms.api.AuditedKmsApi;
import dev.kms.api.IdentityApi;
import dev.kms.api.JsonPolicyParser;
import dev.kms.api.KmsJsonApi;
import dev.kms.audit.FileAuditTrail;
import dev.kms.core.audit.AuditEvent;
import dev.kms.core.audit.AuditParameters;
import dev.kms.core.audit.HsmTrailSealer;
import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.identity.IdentityDirectory;
import dev.kms.core.identity.IdentityServices;
import dev.kms.core.identity.RequestContext;
import dev.kms.core.identity.ServiceKeys;
import dev.kms.core.model.Deployment;
import dev.kms.core.model.KeySpec;
import dev.kms.core.port.Hsm;
import dev.kms.core.port.SessionPoolStats;
import dev.kms.core.port.TrailSealer;
import dev.kms.core.service.CachingMetadataStore;
import dev.kms.core.service.Kms;
import dev.kms.core.service.MaintenanceService.MaintenanceReport;
import dev.kms.pkcs11.Pkcs11Config;
import dev.kms.pkcs11.Pkcs11Hsm;
import dev.kms.store.SqliteIdentityStore;
import dev.kms.store.SqliteMetadataStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The composition root: the one place that wires the service. It opens, in order, the token (logged in), the
 * metadata and identity stores, the audit trail and its sealer (the service-owned "audit-seal" HMAC key), the
 * identities, the key service and the audited APIs; a failure half-way closes what was opened, in reverse, as
 * {@link #close()} does. Every KMS call goes through {@link AuditedKmsApi}; the IAM, STS and account calls and the
 * service's own rotations and deletions through the same {@link AuditedCalls}. The CLI opens one per command, the
 * server one for its life, the benchmark one per phase.
 */
public final class KmsNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KmsNode.class);

    /** Names the seal key in digest records: the label of its token object. */
    public static final String SEAL_KEY_ID = ServiceKeys.LABEL_PREFIX + ServiceKeys.AUDIT_SEAL;
    /** How long a process waits for another one writing the same trail (see AuditTrailLock). */
    private static final Duration TRAIL_LOCK_TIMEOUT = Duration.ofSeconds(60);
    /**
     * Keys and aliases stay in memory this long, so a server's Encrypt and Decrypt do not read SQLite; this
     * process's own writes show at once, and another process's within this time.
     */
    public static final Duration METADATA_TTL = Duration.ofSeconds(1);

    private final Deque<AutoCloseable> opened;
    private final Pkcs11Hsm hsm;
    private final SqliteMetadataStore store;
    private final Kms kms;
    private final IdentityServices identity;
    private final TrailSealer sealer;
    private final Path auditDirectory;
    private final FileAuditTrail trail;
    private final AuditedKmsApi api;
    private final AuditedCalls audit;
    private final AuditedIdentityApi identityApi;

    private KmsNode(Builder b) {
        this.opened = b.opened;
        this.hsm = b.hsm;
        this.store = b.store;
        this.kms = b.kms;
        this.identity = b.identity;
        this.sealer = b.sealer;
        this.auditDirectory = b.auditDirectory;
        this.trail = b.trail;
        Clock clock = b.clock;
        this.audit = trail == null ? null : new AuditedCalls(trail, kms.deployment(), clock);
        this.api = trail == null ? null : new AuditedKmsApi(new KmsJsonApi(kms), trail, kms.deployment(), clock);
        this.identityApi = trail == null ? null
                : new AuditedIdentityApi(new IdentityApi(identity.iam(), identity.sts()), audit);
    }

    /** What to open: a token, a SQLite database, an audit trail and its lock, in one deployment. */
    public static final class Builder {
        private final Deployment deployment;
        private Pkcs11Config pkcs11;
        private char[] pin;
        private Path database;
        private Path auditDirectory;
        private Path trailLock;
        private FileAuditTrail.Options trailOptions = FileAuditTrail.Options.defaults();
        private boolean writeTrail = true;
        private Duration metadataTtl = METADATA_TTL;
        private Clock clock = Clock.systemUTC();

        private final Deque<AutoCloseable> opened = new ArrayDeque<>();
        private Pkcs11Hsm hsm;
        private SqliteMetadataStore store;
        private Kms kms;
        private IdentityServices identity;
        private TrailSealer sealer;
        private FileAuditTrail trail;

        private Builder(Deployment deployment) {
            this.deployment = Objects.requireNonNull(deployment, "deployment");
        }

        /** The token and its user PIN, which {@link #open()} clears whether it succeeds or not. */
        public Builder hsm(Pkcs11Config config, char[] userPin) {
            this.pkcs11 = config;
            this.pin = userPin;
            return this;
        }

        public Builder database(Path file) {
            this.database = file;
            return this;
        }

        /** The trail's directory and the lock file that makes one process its writer at a time. */
        public Builder auditTrail(Path directory, Path lockFile, FileAuditTrail.Options options) {
            this.auditDirectory = directory;
            this.trailLock = lockFile;
            this.trailOptions = options;
            return this;
        }

        /** The trail is only read (its seal key is there to verify it), not opened for writing. */
        public Builder readingTheTrailOnly() {
            this.writeTrail = false;
            return this;
        }

        public Builder metadataTtl(Duration ttl) {
            this.metadataTtl = ttl;
            return this;
        }

        public Builder clock(Clock value) {
            this.clock = value;
            return this;
        }

        /** Opens everything in order; on any failure closes what was opened, in reverse, and rethrows. */
        public KmsNode open() {
            Objects.requireNonNull(pkcs11, "hsm");
            Objects.requireNonNull(database, "database");
            Objects.requireNonNull(auditDirectory, "auditTrail");
            try {
                try {
                    hsm = remember(Pkcs11Hsm.open(pkcs11, pin));
                } finally {
                    Arrays.fill(pin, '\0');
                }
                store = remember(SqliteMetadataStore.open(database));
                SqliteIdentityStore identities = remember(SqliteIdentityStore.open(database));
                sealer = new HsmTrailSealer(hsm,
                        new ServiceKeys(hsm, identities).ensure(ServiceKeys.AUDIT_SEAL, KeySpec.HMAC_256), SEAL_KEY_ID);
                if (writeTrail) {
                    remember(AuditTrailLock.acquire(trailLock, TRAIL_LOCK_TIMEOUT));
                    if (!Files.exists(auditDirectory)) {
                        KmsHome.createPrivateDirectory(auditDirectory);
                    }
                    trail = remember(FileAuditTrail.open(auditDirectory, sealer, trailOptions));
                }
                JsonPolicyParser parser = new JsonPolicyParser();
                identity = IdentityServices.create(deployment, hsm, identities, identities, parser, clock);
                kms = Kms.create(deployment, hsm, new CachingMetadataStore(store, metadataTtl), parser,
                        new IdentityDirectory(identity, clock, IdentityDirectory.POLICY_STALENESS), clock);
                return new KmsNode(this);
            } catch (RuntimeException | Error e) {
                closeInReverse(opened, e);
                throw e;
            }
        }

        private <T extends AutoCloseable> T remember(T resource) {
            opened.push(resource);
            return resource;
        }
    }

    public static Builder builder(Deployment deployment) {
        return new Builder(deployment);
    }

    /**
     * The node of {@code home} (creating the embedded default on first use), with the due automatic rotations and
     * deletions already done, so they happen without anyone asking.
     */
    public static KmsNode open(KmsHome home, Map<String, String> env) {
        KmsNode node = builderFor(home, env).open();
        try {
            MaintenanceReport report = node.runMaintenance();
            if (!report.rotated().isEmpty() || !report.deleted().isEmpty()) {
                LOG.info("Due-check rotated {} and deleted {}", report.rotatedKeyIds(), report.deletedKeyIds());
            }
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
        return node;
    }

    /**
     * The node of {@code home} for reading its audit trail ({@code kms audit verify}, which needs the seal key): the
     * trail is not opened for writing, so a damaged trail can still be examined; no due-check runs and calls are
     * refused.
     */
    public static KmsNode openForAuditReading(KmsHome home, Map<String, String> env) {
        return builderFor(home, env).readingTheTrailOnly().open();
    }

    private static Builder builderFor(KmsHome home, Map<String, String> env) {
        if (!Files.exists(home.configFile())) {
            EmbeddedDefault.create(home);
        }
        NodeConfig config = NodeConfig.load(home);
        if (config.softhsm2Conf() != null) {
            EmbeddedDefault.requireEnvironment(config.softhsm2Conf());
        }
        if (config.pin() instanceof NodeConfig.PinFile file && NodeConfig.readableByOthers(file.file())) {
            LOG.warn("The PIN file {} is readable by group or others; restrict it with chmod 600", file.file());
        }
        return builder(config.deployment())
                .hsm(config.pkcs11(), config.pin().read(env))
                .database(home.database())
                .auditTrail(home.auditDirectory(), home.dir().resolve("audit.lock"), FileAuditTrail.Options.defaults());
    }

    public Kms kms() {
        return kms;
    }

    public Hsm hsm() {
        return hsm;
    }

    /** The token's session pool use, for the server's metrics. */
    public SessionPoolStats hsmSessionPool() {
        return hsm.sessionPoolStats();
    }

    /** IAM, STS and authentication on this deployment's identity store. */
    public IdentityServices identity() {
        return identity;
    }

    /** Runs one AWS KMS operation as {@code ctx}'s principal; audited. */
    public ObjectNode call(RequestContext ctx, String operation, JsonNode request) {
        requireTrail();
        return api.call(ctx, operation, request);
    }

    /**
     * Runs one IAM, STS or account call ({@code work}, as {@code ctx}'s caller) and records it as {@code eventName}
     * of {@code eventSource} before answering, success or failure: {@code requestParameters} and the response
     * through {@link AuditParameters}, so no secret access key or session token reaches the trail. A read-only
     * call's responseElements are null, as CloudTrail writes them.
     */
    public JsonNode callIdentity(RequestContext ctx, String eventSource, String eventName, boolean readOnly,
                                 Map<String, Object> requestParameters, Supplier<JsonNode> work) {
        requireTrail();
        AuditEvent.Builder event = audit.event(ctx, eventSource, eventName)
                .readOnly(readOnly)
                .requestParameters(AuditParameters.of(requestParameters));
        return audit.call(event, work,
                (e, response) -> e.responseElements(readOnly ? null : AuditedCalls.parameters(response)), e -> { });
    }

    /**
     * Runs one IAM or STS action of the Query API ({@link IdentityApi}) as {@code ctx}'s caller: the local
     * commands' caller or a server's; audited as {@code service}.amazonaws.com's event.
     */
    public ObjectNode callIdentity(RequestContext ctx, String service, String action, Map<String, String> parameters) {
        requireTrail();
        return identityApi.call(ctx, service, action, parameters);
    }

    /**
     * Records the event of a KMS call refused before it ran because its credentials were, naming only the access
     * key id presented, and returns {@code error} for the caller to throw.
     */
    public KmsException refusedKmsCall(String accessKeyId, String operation, JsonNode request, String userAgent,
                                       KmsException error) {
        requireTrail();
        return api.recordRefusedCredentials(accessKeyId, operation, request, null, userAgent,
                UUID.randomUUID().toString(), error);
    }

    /** {@link #refusedKmsCall} for an identity call (see {@link #callIdentity}). */
    public KmsException refusedIdentityCall(String accessKeyId, String eventSource, String eventName, boolean readOnly,
                                            Map<String, Object> requestParameters, String userAgent,
                                            KmsException error) {
        requireTrail();
        return audit.refused(audit.event(new AuditEvent.UserIdentity("Unknown", null, null, null, accessKeyId, null),
                        null, userAgent, UUID.randomUUID().toString(), eventSource, eventName)
                .readOnly(readOnly)
                .requestParameters(AuditParameters.of(requestParameters)), error);
    }

    /**
     * Runs the due automatic rotations and deletions ({@code MaintenanceService.runDue}) and records each as the
     * service's own RotateKey or DeleteKey event with the key's ARN, before returning the report; refused when
     * the trail is broken. The due-check of every command and the server's scheduler call it.
     */
    public MaintenanceReport runMaintenance() {
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
            throw new KmsException(ErrorCode.INTERNAL, "This node only reads the audit trail.");
        }
    }

    /** A server's readiness: the token answers a logged-in call and the metadata database can be read. */
    public boolean ready() {
        hsm.generateRandom(1);
        store.listKeys(kms.deployment().accountId(), null, 1);
        return trail == null || trail.healthy();
    }

    /** The seal key of the audit trail, to verify it. */
    public TrailSealer auditSealer() {
        return sealer;
    }

    /** The trail this node writes (null when it only reads it), for figures such as its fsync count. */
    public FileAuditTrail auditTrail() {
        return trail;
    }

    /** Where the trail lives. */
    public Path auditDirectory() {
        return auditDirectory;
    }

    /** Seals and closes the trail (it needs the token), releases its lock, closes the stores, then logs out. */
    @Override
    public void close() {
        closeInReverse(opened, null);
    }

    private static void closeInReverse(Deque<AutoCloseable> opened, Throwable failure) {
        RuntimeException first = null;
        while (!opened.isEmpty()) {
            try {
                opened.pop().close();
            } catch (Exception e) {
                if (failure != null) {
                    failure.addSuppressed(e);
                } else if (first == null) {
                    first = e instanceof RuntimeException r ? r : new IllegalStateException(e);
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
