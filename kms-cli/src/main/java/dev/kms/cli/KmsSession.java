package dev.kms.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kms.api.JsonPolicyParser;
import dev.kms.api.KmsJsonApi;
import dev.kms.core.identity.Principal;
import dev.kms.core.identity.RequestContext;
import dev.kms.core.model.Deployment;
import dev.kms.core.port.Hsm;
import dev.kms.core.service.AccountRootsDirectory;
import dev.kms.core.service.Kms;
import dev.kms.core.service.MaintenanceService.MaintenanceReport;
import dev.kms.pkcs11.Pkcs11Hsm;
import dev.kms.store.SqliteMetadataStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;

/**
 * The service opened for one command: the token (logged in), the metadata store and the use cases,
 * with the overdue rotations and deletions already done. Closing logs out and closes the store.
 */
final class KmsSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KmsSession.class);

    private final Pkcs11Hsm hsm;
    private final SqliteMetadataStore store;
    private final Kms kms;
    private final KmsJsonApi api;
    private final RequestContext operator;

    private KmsSession(Pkcs11Hsm hsm, SqliteMetadataStore store, Kms kms, RequestContext operator) {
        this.hsm = hsm;
        this.store = store;
        this.kms = kms;
        this.api = new KmsJsonApi(kms);
        this.operator = operator;
    }

    /**
     * Loads the config of {@code home} (creating the embedded default on first use), opens the token and
     * the store, and runs the due-check so that overdue automatic rotations and deletions happen without
     * anyone asking.
     */
    static KmsSession open(KmsHome home, Map<String, String> env) {
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
        Deployment deployment = config.deployment();
        Kms kms = Kms.create(deployment, hsm, store, new JsonPolicyParser(), new AccountRootsDirectory(deployment.accountId()),
                Clock.systemUTC());
        RequestContext operator = RequestContext.direct(Principal.root(deployment.partition(), deployment.accountId()),
                null, "kms-cli");
        KmsSession session = new KmsSession(hsm, store, kms, operator);
        try {
            MaintenanceReport report = session.kms.maintenance().runDue();
            if (!report.rotatedKeyIds().isEmpty() || !report.deletedKeyIds().isEmpty()) {
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

    /** Runs one AWS KMS operation as the local operator, the root of the configured account. */
    ObjectNode call(String operation, JsonNode request) {
        return api.call(operator, operation, request);
    }

    RequestContext operator() {
        return operator;
    }

    @Override
    public void close() {
        try {
            store.close();
        } finally {
            hsm.close();
        }
    }
}
