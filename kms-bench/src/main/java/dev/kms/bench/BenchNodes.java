package dev.kms.bench;

import dev.kms.audit.FileAuditTrail;
import dev.kms.node.KmsNode;
import dev.kms.pkcs11.Pkcs11Config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Opens the product's assembly ({@link KmsNode}) on the benchmark's token and database, once per phase, so every
 * phase measures what {@code kms server} runs. Nodes that only call the core directly leave the trail alone, so
 * an auditing node can open beside them.
 */
final class BenchNodes {
    private final Pkcs11Config token;
    private final char[] userPin;
    private final Path dir;

    /** Keeps {@code userPin}, which the caller clears when the run ends. */
    BenchNodes(Pkcs11Config token, char[] userPin, Path dir) {
        this.token = token;
        this.userPin = userPin;
        this.dir = dir;
    }

    Pkcs11Config token() {
        return token;
    }

    /** A node whose KMS calls go through the audit trail (fsync'd before each call returns), as the server's. */
    KmsNode audited(Duration metadataTtl) {
        return builder(metadataTtl).open();
    }

    /** A node for direct core calls: the trail is not opened for writing, so it holds no lock on it. */
    KmsNode direct(Duration metadataTtl) {
        return builder(metadataTtl).readingTheTrailOnly().open();
    }

    private KmsNode.Builder builder(Duration metadataTtl) {
        return KmsNode.builder(KmsBench.DEPLOYMENT)
                .hsm(token, userPin.clone())
                .database(dir.resolve("kms.db"))
                .auditTrail(dir.resolve("audit"), dir.resolve("audit.lock"), FileAuditTrail.Options.defaults())
                .metadataTtl(metadataTtl);
    }
}
