package dev.kms.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * encrypt-file and decrypt-file on KMS_HOME (a SoftHSM2 token and SQLite): round trips at frame boundaries, the
 * required encryption context, overwrite refusal, pipes, and every corruption of a message refused with nothing
 * left under the target's name or beside it.
 */
class EnvelopeCommandsTest extends CliTestBase {
    static final int FRAME = 64;
    static final String UNSIGNED = "AES_256_GCM_HKDF_SHA512_COMMIT_KEY";

    Path files;
    String keyId;

    @BeforeEach
    void createKeyAndDirectory() throws IOException {
        keyId = kms.createKey();
        files = Files.createDirectory(home.resolve("files"));
    }

    static byte[] data(int size) {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        return data;
    }

    Path write(String name, byte[] content) throws IOException {
        return Files.write(files.resolve(name), content);
    }

    /** Runs a command that must succeed, printing nothing. */
    void ok(String... args) {
        CliFixture.Result result = kms.run(args);
        assertEquals(0, result.exit(), () -> List.of(args) + ": " + result.err());
        assertEquals("", result.out());
        assertEquals("", result.err());
    }

    byte[] encrypt(byte[] plaintext, String... options) throws IOException {
        Path in = write("plain-" + plaintext.length, plaintext);
        Path out = files.resolve("message-" + plaintext.length);
        Files.deleteIfExists(out);
        List<String> args = new ArrayList<>(List.of("encrypt-file", "--key-id", keyId));
        args.addAll(List.of(options));
        args.addAll(List.of(in.toString(), out.toString()));
        ok(args.toArray(String[]::new));
        return Files.readAllBytes(out);
    }

    /** Decrypts {@code message} from a file to a file and asserts the command failed leaving no file behind. */
    CliFixture.Result refused(byte[] message, String... options) throws IOException {
        return refusedCase(message, "", options);
    }

    CliFixture.Result refusedCase(byte[] message, String what, String... options) throws IOException {
        Path in = write("refused.in", message);
        Path out = files.resolve("refused.out");
        List<String> args = new ArrayList<>(List.of("decrypt-file"));
        args.addAll(List.of(options));
        args.addAll(List.of(in.toString(), out.toString()));
        CliFixture.Result result = kms.run(args.toArray(String[]::new));
        assertEquals(1, result.exit(), () -> what + ": decrypt-file accepted it: " + result.err());
        assertEquals("", result.out());
        assertTrue(result.err().startsWith("{\"__type\": \""), result.err());
        assertFalse(Files.exists(out), "output file left behind");
        try (Stream<Path> left = Files.list(files)) {
            assertEquals(List.of(), left.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".kms-tmp"))
                    .toList(), "temporary files");
        }
        return result;
    }

    // ---- round trips

    @Test
    void roundTrip_atFrameBoundaries_bothCommittingSuites() throws IOException {
        for (String suite : List.of("AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384", UNSIGNED)) {
            for (int size : new int[] {0, 1, FRAME - 1, FRAME, FRAME + 1, 2 * FRAME, 3 * FRAME + 5}) {
                byte[] plaintext = data(size);
                byte[] message = encrypt(plaintext, "--frame-length", String.valueOf(FRAME), "--algorithm", suite,
                        "--encryption-context", "purpose=test");
                MessageLayout layout = MessageLayout.of(message);
                assertEquals(size / FRAME, layout.frames().size(), suite + " " + size + ": regular frames");
                Path decrypted = files.resolve("decrypted");
                Files.deleteIfExists(decrypted);
                ok("decrypt-file", "--encryption-context", "purpose=test", files.resolve("message-" + size).toString(),
                        decrypted.toString());
                assertArrayEquals(plaintext, Files.readAllBytes(decrypted), suite + " " + size);
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(decrypted)));
            }
        }
    }

    @Test
    void roundTrip_defaultFrameLength_severalFrames() throws IOException {
        byte[] plaintext = data(3 * (1 << 20) + 17);
        byte[] message = encrypt(plaintext);
        MessageLayout layout = MessageLayout.of(message);
        assertEquals(3, layout.frames().size());
        assertEquals(0x0578, ((message[1] & 0xff) << 8) | (message[2] & 0xff), "the SDK's default suite");
        Path decrypted = files.resolve("decrypted");
        ok("decrypt-file", files.resolve("message-" + plaintext.length).toString(), decrypted.toString());
        assertArrayEquals(plaintext, Files.readAllBytes(decrypted));
    }

    @Test
    void pipes_stdinToStdout_bothWays() {
        byte[] plaintext = data(5 * FRAME + 3);
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        CliFixture.Result encrypted = kms.run(new ByteArrayInputStream(plaintext), message, "encrypt-file",
                "--key-id", keyId, "--frame-length", String.valueOf(FRAME), "-", "-");
        assertEquals(0, encrypted.exit(), encrypted.err());
        assertEquals(5, MessageLayout.of(message.toByteArray()).frames().size());

        ByteArrayOutputStream decrypted = new ByteArrayOutputStream();
        CliFixture.Result result = kms.run(new ByteArrayInputStream(message.toByteArray()), decrypted,
                "decrypt-file", "-", "-");
        assertEquals(0, result.exit(), result.err());
        assertArrayEquals(plaintext, decrypted.toByteArray());
    }

    @Test
    void decryptToStdout_corruptMessage_writesNothing() {
        byte[] plaintext = data(5 * FRAME + 3);
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        kms.run(new ByteArrayInputStream(plaintext), message, "encrypt-file", "--key-id", keyId, "--frame-length",
                String.valueOf(FRAME), "-", "-");
        byte[] corrupt = message.toByteArray();
        corrupt[corrupt.length - 1] ^= 1; // the signature: every frame before it decrypts

        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        CliFixture.Result result = kms.run(new ByteArrayInputStream(corrupt), stdout, "decrypt-file", "-", "-");
        result.assertServiceError("InvalidCiphertextException");
        assertEquals(0, stdout.size(), "plaintext released before verification");
    }

    // ---- encryption context

    @Test
    void requiredContext_presentPairsAndKeys_decrypt_missingOrDifferent_refused() throws IOException {
        byte[] plaintext = data(100);
        byte[] message = encrypt(plaintext, "--encryption-context", "purpose=backup,tenant=a",
                "--encryption-context", "{\"stage\":\"prod\"}");
        Path in = files.resolve("message-100");
        ok("decrypt-file", "--encryption-context", "purpose=backup", "--encryption-context", "stage",
                in.toString(), files.resolve("ok").toString());
        assertArrayEquals(plaintext, Files.readAllBytes(files.resolve("ok")));

        String wrong = refused(message, "--encryption-context", "tenant=b").err();
        assertTrue(wrong.contains("InvalidCiphertextException") && wrong.contains("tenant=b"), wrong);
        String missing = refused(message, "--encryption-context", "region").err();
        assertTrue(missing.contains("required region"), missing);
    }

    @Test
    void contextAlteredInTheMessage_isRefusedByTheKeyService() throws IOException {
        byte[] message = encrypt(data(10), "--encryption-context", "tenant=alpha");
        byte[] altered = replaceOnce(message, "alpha", "alphb");
        String err = refused(altered).err();
        assertTrue(err.contains("InvalidCiphertextException"), err);
    }

    @Test
    void encrypt_reservedContextKey_nonCommittingSuite_badFrameLength_areUsageErrors() throws IOException {
        Path in = write("in", data(10));
        String out = files.resolve("out").toString();
        kms.run("encrypt-file", "--key-id", keyId, "--encryption-context", "aws-crypto-public-key=x", in.toString(), out)
                .assertUsageError("reserved");
        kms.run("encrypt-file", "--key-id", keyId, "--algorithm", "AES_256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384",
                in.toString(), out).assertUsageError("has no key commitment");
        kms.run("encrypt-file", "--key-id", keyId, "--algorithm", "AES_512", in.toString(), out)
                .assertUsageError("unknown algorithm suite");
        kms.run("encrypt-file", "--key-id", keyId, "--frame-length", "0", in.toString(), out)
                .assertUsageError("--frame-length must be 1 to");
        assertFalse(Files.exists(files.resolve("out")));
    }

    // ---- targets

    @Test
    void existingTarget_isRefused_unlessOverwrite() throws IOException {
        Path in = write("in", data(10));
        Path out = write("out", "keep me".getBytes(StandardCharsets.UTF_8));
        kms.run("encrypt-file", "--key-id", keyId, in.toString(), out.toString()).assertUsageError("--overwrite");
        assertEquals("keep me", Files.readString(out));

        ok("encrypt-file", "--key-id", keyId, "--overwrite", in.toString(), out.toString());
        Path back = write("back", new byte[0]);
        kms.run("decrypt-file", out.toString(), back.toString()).assertUsageError("exists; give --overwrite");
        ok("decrypt-file", "--overwrite", out.toString(), back.toString());
        assertArrayEquals(data(10), Files.readAllBytes(back));
        try (Stream<Path> left = Files.list(files)) {
            assertEquals(3, left.count(), "in, out, back and no temporary file");
        }
    }

    @Test
    void missingInput_unknownKey_failWithoutOutput() throws IOException {
        String out = files.resolve("out").toString();
        kms.run("encrypt-file", "--key-id", keyId, files.resolve("none").toString(), out)
                .assertUsageError("is not a readable file");
        Path in = write("in", data(10));
        kms.run("encrypt-file", "--key-id", "alias/none", in.toString(), out).assertServiceError("NotFoundException");
        assertFalse(Files.exists(files.resolve("out")));
        try (Stream<Path> left = Files.list(files)) {
            assertEquals(1, left.count(), "only the input");
        }
    }

    @Test
    void decrypt_byAUserTheKeyPolicyDoesNotAllow_isAccessDenied() throws IOException {
        byte[] message = encrypt(data(10));
        kms.ok("iam", "create-user", "--user-name", "alice");
        JsonNode key = kms.ok("iam", "create-access-key", "--user-name", "alice").get("AccessKey");
        kms.env.put("AWS_ACCESS_KEY_ID", key.get("AccessKeyId").asText());
        kms.env.put("AWS_SECRET_ACCESS_KEY", key.get("SecretAccessKey").asText());

        String err = refused(message).err();
        assertTrue(err.contains("AccessDeniedException") && err.contains("kms:Decrypt"), err);
    }

    // ---- corruption

    @Test
    void everyHeaderFieldCorrupted_isRefused() throws IOException {
        for (String suite : List.of("AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384", UNSIGNED)) {
            byte[] message = encrypt(data(3 * FRAME + 5), "--frame-length", String.valueOf(FRAME), "--algorithm", suite,
                    "--encryption-context", "purpose=test");
            MessageLayout layout = MessageLayout.of(message);
            assertTrue(layout.headerFields().size() >= 20, layout.headerFields().keySet().toString());
            for (Map.Entry<String, MessageLayout.Field> field : layout.headerFields().entrySet()) {
                byte[] corrupt = message.clone();
                corrupt[field.getValue().offset() + field.getValue().length() / 2] ^= 0x01;
                refusedCase(corrupt, suite + ", " + field.getKey());
            }
        }
    }

    @Test
    void framesCorruptedDroppedDuplicatedReorderedTruncatedOrExtended_areRefused() throws IOException {
        for (String suite : List.of("AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384", UNSIGNED)) {
            byte[] message = encrypt(data(3 * FRAME + 5), "--frame-length", String.valueOf(FRAME), "--algorithm", suite);
            MessageLayout layout = MessageLayout.of(message);
            MessageLayout.Field first = layout.frames().get(0);
            MessageLayout.Field second = layout.frames().get(1);
            MessageLayout.Field last = layout.finalFrame();
            Map<String, byte[]> cases = new LinkedHashMap<>();
            cases.put("sequence number of frame 2", flip(message, second.offset() + 3));
            cases.put("IV of frame 2", flip(message, second.offset() + 4));
            cases.put("content of frame 2", flip(message, second.offset() + 16 + 10));
            cases.put("tag of frame 2", flip(message, second.end() - 1));
            cases.put("final frame marker", flip(message, last.offset()));
            cases.put("final frame length", flip(message, layout.finalFrameLengthOffset() + 3));
            cases.put("final frame content", flip(message, layout.finalFrameLengthOffset() + 4));
            cases.put("final frame tag", flip(message, last.end() - 1));
            cases.put("frame 2 dropped", concat(slice(message, 0, second.offset()), slice(message, second.end(), message.length)));
            cases.put("frame 2 duplicated", concat(slice(message, 0, second.end()), slice(message, second.offset(), message.length)));
            cases.put("frames 1 and 2 swapped", concat(slice(message, 0, first.offset()),
                    slice(message, second.offset(), second.end()), slice(message, first.offset(), first.end()),
                    slice(message, second.end(), message.length)));
            cases.put("final frame dropped", concat(slice(message, 0, last.offset()), slice(message, last.end(), message.length)));
            cases.put("bytes after the end", concat(message, new byte[] {0}));
            cases.put("a second message after the end", concat(message, message));
            for (int cut : new int[] {0, 1, layout.headerFields().get("message id").offset() + 5, layout.headerEnd() - 1,
                    layout.headerEnd(), second.offset() + 20, last.offset(), last.end() - 1, last.end(),
                    message.length - 1}) {
                if (cut < message.length) {
                    cases.put("truncated at " + cut, slice(message, 0, cut));
                }
            }
            if (layout.footer().length() > 0) {
                cases.put("signature", flip(message, message.length - 10));
                cases.put("signature length", flip(message, layout.footer().offset() + 1));
            } else {
                assertEquals(message.length, last.end(), "an unsigned message ends with its final frame");
            }
            for (Map.Entry<String, byte[]> corruption : cases.entrySet()) {
                String err = refusedCase(corruption.getValue(), suite + ", " + corruption.getKey()).err();
                assertTrue(err.contains("InvalidCiphertextException"), suite + ", " + corruption.getKey() + ": " + err);
            }
        }
    }

    static byte[] flip(byte[] message, int offset) {
        byte[] copy = message.clone();
        copy[offset] ^= 0x01;
        return copy;
    }

    static byte[] slice(byte[] message, int from, int to) {
        return Arrays.copyOfRange(message, from, to);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    static byte[] replaceOnce(byte[] data, String from, String to) {
        byte[] f = from.getBytes(StandardCharsets.UTF_8);
        byte[] t = to.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i + f.length <= data.length; i++) {
            if (Arrays.equals(data, i, i + f.length, f, 0, f.length)) {
                byte[] copy = data.clone();
                System.arraycopy(t, 0, copy, i, t.length);
                return copy;
            }
        }
        throw new AssertionError(from + " is not in the message");
    }
}
