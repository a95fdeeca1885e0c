package dev.kms.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 2 GiB through encrypt-file and decrypt-file in constant memory: scripts/kms as subprocesses with a 64 MiB heap,
 * a generated stream piped in on stdin and the plaintext read back from stdout, compared by SHA-256. A heap that
 * grew with the input would end the subprocess with an OutOfMemoryError, and the test with its exit code.
 */
class EnvelopeLargeStreamTest {
    static final long SIZE = 2L << 30;
    static final int BLOCK = 1 << 20;

    @TempDir
    Path home;

    @Test
    void twoGibibytes_roundTripThroughPipes_withA64MiBHeap() throws Exception {
        KmsScript.assumeSoftHsm2Installed();
        CliFixture kms = CliFixture.create(home);
        String keyId = kms.createKey();
        Path message = home.resolve("large.message");

        Process encrypt = kms("encrypt-file", "--key-id", keyId, "--algorithm", "AES_256_GCM_HKDF_SHA512_COMMIT_KEY",
                "-", message.toString());
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> read(encrypt.getErrorStream()));
        String written;
        try (OutputStream stdin = encrypt.getOutputStream()) {
            written = generate(stdin);
        }
        assertTrue(encrypt.waitFor(10, TimeUnit.MINUTES), "encrypt-file timed out");
        assertEquals(0, encrypt.exitValue(), stderr.get());
        assertTrue(Files.size(message) > SIZE, "the message holds the whole input");

        Process decrypt = kms("decrypt-file", message.toString(), "-");
        decrypt.getOutputStream().close();
        CompletableFuture<String> decryptErr = CompletableFuture.supplyAsync(() -> read(decrypt.getErrorStream()));
        long[] count = new long[1];
        String read = sha256(decrypt.getInputStream(), count);
        assertTrue(decrypt.waitFor(10, TimeUnit.MINUTES), "decrypt-file timed out");
        assertEquals(0, decrypt.exitValue(), decryptErr.get());
        assertEquals(SIZE, count[0]);
        assertEquals(written, read);
    }

    private Process kms(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("bash", KmsScript.PATH.toString(), "--home", home.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("KMS_CLASSPATH", System.getProperty("java.class.path"));
        builder.environment().put("KMS_JAVA_OPTS", "-Xmx64m");
        builder.environment().put("TMPDIR", home.toString()); // decrypt-file holds the plaintext for stdout here
        return builder.start();
    }

    /** Writes SIZE deterministic bytes (a random block, each copy stamped with its number) and returns their hash. */
    private static String generate(OutputStream out) throws IOException, NoSuchAlgorithmException {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] block = new byte[BLOCK];
        new SplittableRandom(42).nextBytes(block);
        for (long i = 0; i < SIZE / BLOCK; i++) {
            block[0] = (byte) i;
            block[1] = (byte) (i >>> 8);
            digest.update(block);
            out.write(block);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String sha256(InputStream in, long[] count) throws IOException, NoSuchAlgorithmException {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[BLOCK];
        for (int n; (n = in.read(buffer)) != -1; ) {
            digest.update(buffer, 0, n);
            count[0] += n;
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String read(InputStream in) {
        try {
            return new String(in.readAllBytes());
        } catch (IOException e) {
            return e.toString();
        }
    }
}
