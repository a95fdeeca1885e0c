package dev.kms.bench;

import dev.kms.core.ciphertext.CiphertextBlob;
import dev.kms.core.ciphertext.EncryptionContext;
import dev.kms.core.model.KmsKey;

import java.io.PrintStream;
import java.util.UUID;

/** A phase that opens its own node and measures the service next to raw PKCS#11 on the bench's token. */
abstract class BenchPhase {
    final BenchOptions options;
    /** The result tables. */
    final PrintStream out;
    /** What is being measured now. */
    final PrintStream progress;
    final BenchNodes nodes;
    final RawToken raw;

    BenchPhase(BenchOptions options, PrintStream out, PrintStream progress, BenchNodes nodes, RawToken raw) {
        this.options = options;
        this.out = out;
        this.progress = progress;
        this.nodes = nodes;
        this.raw = raw;
    }

    /**
     * The very AAD the service authenticates when it encrypts under {@code key}'s current material: the blob header
     * plus {@code context}, so the raw calls beside the service's do the same work.
     */
    static byte[] associatedData(KmsKey key, EncryptionContext context) {
        return CiphertextBlob.associatedData(CiphertextBlob.header(KmsBench.DEPLOYMENT.region(), key.accountId(),
                UUID.fromString(key.keyId()), key.currentMaterial().id()), context);
    }
}
