package dev.kms.bench;

import com.amazonaws.encryptionsdk.AwsCrypto;
import com.amazonaws.encryptionsdk.CommitmentPolicy;
import com.amazonaws.encryptionsdk.CryptoAlgorithm;
import com.amazonaws.encryptionsdk.CryptoInputStream;
import com.amazonaws.encryptionsdk.CryptoOutputStream;
import com.amazonaws.encryptionsdk.jce.JceMasterKey;
import dev.kms.core.model.KeyRef;
import dev.kms.core.model.KmsKey;
import dev.kms.core.service.Kms;
import dev.kms.envelope.DataKey;
import dev.kms.envelope.DataKeyService;
import dev.kms.envelope.Envelope;
import dev.kms.envelope.RequiredContext;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Phase {@code files}: MB/s of one stream through {@link Envelope} (what encrypt-file and decrypt-file run), next to
 * plain AES-256-GCM through the JDK on the same data (one GCM message per MiB, the framing at its cheapest) and the
 * AWS Encryption SDK's own streaming API (CryptoOutputStream to encrypt, CryptoInputStream to decrypt, with a raw
 * AES master key of the SDK), per suite and frame length. Plaintext is generated in memory and discarded; the
 * ciphertext to decrypt is read from a file in the bench directory, in the page cache after it was written.
 */
final class FilesBench {
    private static final int BLOCK = 1 << 20;
    private static final int JDK_TAG_BITS = 128;
    private static final CryptoAlgorithm UNSIGNED = CryptoAlgorithm.ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY;
    private static final CryptoAlgorithm SIGNED = CryptoAlgorithm.ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384;

    private final BenchOptions options;
    private final PrintStream out;
    private final PrintStream progress;
    private final Kms kms;
    private final long size = Long.getLong("bench.fileMiB", 1024) << 20;
    private final byte[] block = new byte[BLOCK];

    FilesBench(BenchOptions options, PrintStream out, PrintStream progress, Kms kms) {
        this.options = options;
        this.out = out;
        this.progress = progress;
        this.kms = kms;
        new SplittableRandom(7).nextBytes(block);
    }

    interface Pass {
        void run() throws Exception;
    }

    void run(KmsKey key) throws Exception {
        Path message = options.dir().resolve("files-bench.message");
        Envelope envelope = new Envelope(new CoreDataKeys(kms));
        List<String> rows = new ArrayList<>();
        double jdkEncrypt = mbPerSecond("JDK AES-256-GCM encrypt", () -> jdkEncrypt(message));
        double jdkDecrypt = mbPerSecond("JDK AES-256-GCM decrypt", () -> jdkDecrypt(message));
        rows.add(row("JDK AES-256-GCM, 1 MiB per message", "-", jdkEncrypt, jdkDecrypt, jdkEncrypt, jdkDecrypt));
        for (CryptoAlgorithm suite : List.of(UNSIGNED, SIGNED)) {
            for (int frame : new int[] {4096, 64 << 10, 1 << 20}) {
                String name = suiteName(suite) + ", frame " + frame;
                double encrypt = mbPerSecond("envelope encrypt " + name, () -> {
                    try (OutputStream file = Files.newOutputStream(message)) {
                        envelope.encrypt(key.keyId(), Map.of("purpose", "bench"), suite, frame, generated(), file, n -> { });
                    }
                });
                double decrypt = mbPerSecond("envelope decrypt " + name, () -> {
                    try (InputStream file = Files.newInputStream(message)) {
                        envelope.decrypt(RequiredContext.none(), file, OutputStream.nullOutputStream(), n -> { });
                    }
                });
                rows.add(row("kms-envelope (encrypt-file/decrypt-file)", name, encrypt, decrypt, jdkEncrypt, jdkDecrypt));
            }
            for (int frame : new int[] {4096, 1 << 20}) {
                String name = suiteName(suite) + ", frame " + frame;
                AwsCrypto sdk = AwsCrypto.builder().withCommitmentPolicy(CommitmentPolicy.RequireEncryptRequireDecrypt)
                        .withEncryptionAlgorithm(suite).withEncryptionFrameSize(frame).build();
                JceMasterKey wrapping = JceMasterKey.getInstance(new SecretKeySpec(randomBytes(32), "AES"), "bench",
                        "wrapping", "AES/GCM/NoPadding");
                double encrypt = mbPerSecond("SDK encrypt " + name, () -> {
                    try (OutputStream file = Files.newOutputStream(message);
                         CryptoOutputStream<?> encrypting = sdk.createEncryptingStream(wrapping, file, Map.of())) {
                        copy(generated(), encrypting);
                    }
                });
                double decrypt = mbPerSecond("SDK decrypt " + name, () -> {
                    try (CryptoInputStream<?> decrypting = sdk.createDecryptingStream(wrapping,
                            new BufferedInputStream(Files.newInputStream(message), BLOCK))) {
                        copy(decrypting, OutputStream.nullOutputStream());
                    }
                });
                rows.add(row("AWS Encryption SDK streams", name, encrypt, decrypt, jdkEncrypt, jdkDecrypt));
            }
        }
        // Again at the end, as a percentage of the first: shows whether the machine drifted during the run.
        double jdkEncryptAgain = mbPerSecond("JDK AES-256-GCM encrypt, again", () -> jdkEncrypt(message));
        double jdkDecryptAgain = mbPerSecond("JDK AES-256-GCM decrypt, again", () -> jdkDecrypt(message));
        rows.add(row("JDK AES-256-GCM, again at the end", "-", jdkEncryptAgain, jdkDecryptAgain, jdkEncrypt, jdkDecrypt));
        Files.deleteIfExists(message);
        out.printf(Locale.ROOT, "%nFiles: one stream of %d MiB, MB/s (10^6 bytes) median of %d rounds after a warm-up "
                + "pass; %% = of the JDK figure of this run%n", size >> 20, options.rounds());
        out.printf(Locale.ROOT, "%-42s %-30s %10s %6s %10s %6s%n", "path", "suite, frame length", "encrypt", "%",
                "decrypt", "%");
        rows.forEach(out::println);
    }

    private static String suiteName(CryptoAlgorithm suite) {
        return suite == SIGNED ? "COMMIT_KEY_ECDSA_P384" : "COMMIT_KEY";
    }

    private static String row(String path, String variant, double encrypt, double decrypt, double jdkEncrypt,
                              double jdkDecrypt) {
        return String.format(Locale.ROOT, "%-42s %-30s %10.0f %5.0f%% %10.0f %5.0f%%", path, variant, encrypt,
                100 * encrypt / jdkEncrypt, decrypt, 100 * decrypt / jdkDecrypt);
    }

    /** One untimed pass, then the median of {@code rounds} timed passes over the whole stream. */
    private double mbPerSecond(String what, Pass pass) throws Exception {
        progress.println("files: " + what);
        pass.run();
        List<Double> rates = new ArrayList<>();
        for (int i = 0; i < options.rounds(); i++) {
            long start = System.nanoTime();
            pass.run();
            rates.add(size / 1e6 / ((System.nanoTime() - start) / 1e9));
        }
        rates.sort(Double::compare);
        return rates.get(rates.size() / 2);
    }

    private void jdkEncrypt(Path message) throws Exception {
        SecretKeySpec key = new SecretKeySpec(randomBytes(32), "AES");
        Files.write(message.resolveSibling("files-bench.key"), key.getEncoded());
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        byte[] iv = new byte[12];
        byte[] sealed = new byte[BLOCK + JDK_TAG_BITS / 8];
        try (InputStream in = generated(); OutputStream file = Files.newOutputStream(message)) {
            for (long i = 0; in.readNBytes(block, 0, BLOCK) == BLOCK; i++) {
                iv[0] = (byte) i;
                iv[1] = (byte) (i >>> 8);
                cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(JDK_TAG_BITS, iv));
                int n = cipher.doFinal(block, 0, BLOCK, sealed, 0);
                file.write(sealed, 0, n);
            }
        }
    }

    private void jdkDecrypt(Path message) throws Exception {
        SecretKeySpec key = new SecretKeySpec(Files.readAllBytes(message.resolveSibling("files-bench.key")), "AES");
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        byte[] iv = new byte[12];
        byte[] sealed = new byte[BLOCK + JDK_TAG_BITS / 8];
        byte[] plain = new byte[BLOCK];
        try (InputStream file = Files.newInputStream(message)) {
            for (long i = 0; file.readNBytes(sealed, 0, sealed.length) == sealed.length; i++) {
                iv[0] = (byte) i;
                iv[1] = (byte) (i >>> 8);
                cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(JDK_TAG_BITS, iv));
                cipher.doFinal(sealed, 0, sealed.length, plain, 0);
            }
        }
    }

    /** {@code size} bytes: the random block, again and again. */
    private InputStream generated() {
        return new InputStream() {
            private long left = size;

            @Override
            public int read(byte[] b, int off, int len) {
                if (left == 0) {
                    return -1;
                }
                int n = (int) Math.min(Math.min(len, left), BLOCK);
                System.arraycopy(block, 0, b, off, n);
                left -= n;
                return n;
            }

            @Override
            public int read() {
                throw new UnsupportedOperationException("read in chunks");
            }
        };
    }

    private static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] chunk = new byte[256 << 10];
        for (int n; (n = in.read(chunk)) != -1; ) {
            out.write(chunk, 0, n);
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    /** The envelope's port on the service core, as KMS_HOME's session wires it (without the JSON layer). */
    private record CoreDataKeys(Kms kms) implements DataKeyService {
        @Override
        public DataKey generateDataKey(String keyId, Map<String, String> context, int numberOfBytes) {
            var key = kms.crypto().generateDataKey(KmsBench.OPERATOR, KeyRef.parse(keyId, "keyId"), context, null,
                    numberOfBytes, true);
            try (var plaintext = key.plaintext()) {
                return new DataKey(key.keyArn(), key.ciphertextBlob(), plaintext.bytes().clone());
            }
        }

        @Override
        public DataKey decrypt(String keyArn, byte[] ciphertextBlob, Map<String, String> context) {
            var decrypted = kms.crypto().decrypt(KmsBench.OPERATOR, ciphertextBlob, context,
                    KeyRef.parse(keyArn, "keyId"), null);
            try (var plaintext = decrypted.plaintext()) {
                return new DataKey(decrypted.keyArn(), ciphertextBlob, plaintext.bytes().clone());
            }
        }
    }
}
