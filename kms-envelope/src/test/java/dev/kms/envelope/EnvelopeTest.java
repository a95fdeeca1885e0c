package dev.kms.envelope;

import com.amazonaws.encryptionsdk.CryptoAlgorithm;
import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Envelope on the in-memory fake of its port: sizes around the read chunk and frames, whose fields straddle chunk
 * boundaries, and the checks added to the SDK's (sequence numbers, trailing bytes, required context).
 */
class EnvelopeTest {
    static final CryptoAlgorithm UNSIGNED = CryptoAlgorithm.ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY;
    final InMemoryDataKeys keys = new InMemoryDataKeys();
    final Envelope envelope = new Envelope(keys);

    byte[] encrypt(byte[] plaintext, CryptoAlgorithm suite, int frame, Map<String, String> context) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Envelope.MessageInfo info = envelope.encrypt("alias/any", context, suite, frame,
                new ByteArrayInputStream(plaintext), out, n -> { });
        assertEquals(plaintext.length, info.plaintextBytes());
        return out.toByteArray();
    }

    byte[] decrypt(byte[] message, RequiredContext required) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        envelope.decrypt(required, new ByteArrayInputStream(message), out, n -> { });
        return out.toByteArray();
    }

    static byte[] data(int size) {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        return data;
    }

    @Test
    void roundTrip_aroundTheReadChunk_framesStraddlingChunks() throws IOException {
        int frame = 1000; // 1032-byte frames: their fields fall across the 256 KiB chunk boundaries
        for (int size : new int[] {0, Envelope.CHUNK - 1, Envelope.CHUNK, Envelope.CHUNK + 1, 3 * Envelope.CHUNK + 7}) {
            for (CryptoAlgorithm suite : new CryptoAlgorithm[] {UNSIGNED, AlgorithmSuites.DEFAULT}) {
                byte[] plaintext = data(size);
                byte[] message = encrypt(plaintext, suite, frame, Map.of("k", "v"));
                assertArrayEquals(plaintext, decrypt(message, RequiredContext.none()), suite + " " + size);
            }
        }
    }

    @Test
    void decrypt_afterTheHeader_readsUpToFrameEnds() throws IOException {
        int frame = Envelope.CHUNK + 1000; // larger than the first read, which ends inside frame 1
        int frameBytes = 4 + 12 + frame + 16;
        byte[] plaintext = data(3 * frame + 5);
        byte[] message = encrypt(plaintext, UNSIGNED, frame, Map.of());
        int headerLength = message.length - 3 * frameBytes - (4 + 4 + 12 + 4 + 5 + 16);
        List<Integer> readEnds = new ArrayList<>();
        InputStream recording = new ByteArrayInputStream(message) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                int n = super.read(b, off, len);
                if (n > 0) {
                    readEnds.add(pos);
                }
                return n;
            }
        };
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        envelope.decrypt(RequiredContext.none(), recording, out, n -> { });
        assertArrayEquals(plaintext, out.toByteArray());
        assertEquals(List.of(Envelope.CHUNK, headerLength + frameBytes, headerLength + 2 * frameBytes,
                headerLength + 3 * frameBytes, message.length), readEnds);
    }

    @Test
    void alteredSequenceNumber_ofAnUnsignedMessage_isRefused() throws IOException {
        byte[] message = encrypt(data(4500), UNSIGNED, 1000, Map.of()); // 4 frames of 1032 bytes, a final one of 540
        int headerLength = message.length - (4 * 1032 + (4 + 4 + 12 + 4 + 500 + 16));
        byte[] altered = message.clone();
        altered[headerLength + 1032 + 3] ^= 0x04; // frame 2 claims to be frame 6; its content still authenticates
        KmsException e = assertThrows(KmsException.class, () -> decrypt(altered, RequiredContext.none()));
        assertEquals(ErrorCode.INVALID_CIPHERTEXT, e.code());
        assertTrue(e.getMessage().contains("frame 2 has the sequence number 6"), e.getMessage());
    }

    @Test
    void bytesAfterTheMessage_andEmptyInput_areRefused() throws IOException {
        byte[] message = encrypt(data(10), UNSIGNED, 1000, Map.of());
        byte[] extended = Arrays.copyOf(message, message.length + 1);
        assertTrue(assertThrows(KmsException.class, () -> decrypt(extended, RequiredContext.none())).getMessage()
                .contains("bytes follow the end of the message"));
        assertTrue(assertThrows(KmsException.class, () -> decrypt(new byte[0], RequiredContext.none())).getMessage()
                .contains("the input is empty"));
    }

    @Test
    void requiredContext_missing_isRefusedBeforeTheKeyServiceIsAsked() throws IOException {
        byte[] message = encrypt(data(10), UNSIGNED, 1000, Map.of("purpose", "backup"));
        int before = keys.calls;
        KmsException e = assertThrows(KmsException.class,
                () -> decrypt(message, RequiredContext.of(Map.of("purpose", "restore"), Set.of("tenant"))));
        assertTrue(e.getMessage().contains("purpose=restore, tenant"), e.getMessage());
        assertEquals(before, keys.calls, "no Decrypt call");
        assertArrayEquals(data(10), decrypt(message, RequiredContext.of(Map.of("purpose", "backup"), Set.of())));
    }

    @Test
    void nonCommittingSuite_isRefusedForEncryption() {
        assertThrows(IllegalArgumentException.class,
                () -> AlgorithmSuites.forEncryption("AES_256_GCM_IV12_TAG16_HKDF_SHA256"));
        assertEquals(UNSIGNED, AlgorithmSuites.forEncryption("aes_256_gcm_hkdf_sha512_commit_key"));
        assertEquals(AlgorithmSuites.DEFAULT, AlgorithmSuites.forEncryption("ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384"));
    }
}
