package dev.kms.core.port;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.model.KeySpec;
import dev.kms.core.model.MaterialId;
import dev.kms.core.port.Hsm.AeadCiphertext;
import dev.kms.core.port.Hsm.TokenObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The behaviour every {@link Hsm} shares: the in-memory fake and the PKCS#11 adapter both extend this.
 * {@link #newHsm()} is called before each test; an {@link AutoCloseable} HSM is closed after it.
 */
public abstract class HsmContract {
    private static final byte[] AAD = "aws:kms:context".getBytes(StandardCharsets.UTF_8);
    private static final byte[] PLAINTEXT = "attack at dawn".getBytes(StandardCharsets.UTF_8);
    private static final int MAC_LENGTH = 32;

    protected Hsm hsm;

    /** A ready HSM; keys from earlier tests may still be in it. */
    protected abstract Hsm newHsm();

    @BeforeEach
    void openHsm() {
        hsm = newHsm();
    }

    @AfterEach
    void closeHsm() throws Exception {
        if (hsm instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    private MaterialId newKey() {
        MaterialId id = MaterialId.random();
        hsm.generateKey(id, KeySpec.SYMMETRIC_DEFAULT, "contract-" + id);
        return id;
    }

    private MaterialId newHmacKey() {
        MaterialId id = MaterialId.random();
        hsm.generateKey(id, KeySpec.HMAC_256, "contract-hmac-" + id);
        return id;
    }

    private static void assertFailsWith(ErrorCode code, Executable call) {
        KmsException e = assertThrows(KmsException.class, call);
        assertEquals(code, e.code(), e.getMessage());
    }

    private static byte[] flipBit(byte[] bytes, int index) {
        byte[] copy = bytes.clone();
        copy[index] ^= 0x01;
        return copy;
    }

    @Test
    void encrypt_thenDecrypt_roundTrips() {
        MaterialId id = newKey();
        AeadCiphertext ct = hsm.encrypt(id, PLAINTEXT, AAD);

        assertEquals(AeadCiphertext.IV_LENGTH, ct.iv().length);
        assertEquals(PLAINTEXT.length + AeadCiphertext.TAG_LENGTH, ct.ciphertextAndTag().length);
        assertArrayEquals(PLAINTEXT, hsm.decrypt(id, ct, AAD));
    }

    @Test
    void encrypt_withEmptyPlaintextAndNoAad_roundTrips() {
        MaterialId id = newKey();

        AeadCiphertext empty = hsm.encrypt(id, new byte[0], new byte[0]);
        AeadCiphertext nullAad = hsm.encrypt(id, PLAINTEXT, null);

        assertArrayEquals(new byte[0], hsm.decrypt(id, empty, new byte[0]));
        assertArrayEquals(PLAINTEXT, hsm.decrypt(id, nullAad, new byte[0]));
    }

    @Test
    void encrypt_withLargePlaintext_roundTrips() {
        MaterialId id = newKey();
        byte[] large = new byte[64 * 1024];
        new SplittableRandom(1).nextBytes(large);

        assertArrayEquals(large, hsm.decrypt(id, hsm.encrypt(id, large, AAD), AAD));
    }

    @Test
    void encrypt_usesDistinctIvs() {
        MaterialId id = newKey();
        Set<String> ivs = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            ivs.add(Arrays.toString(hsm.encrypt(id, PLAINTEXT, AAD).iv()));
        }
        assertEquals(50, ivs.size());
    }

    @Test
    void decrypt_withWrongAad_fails() {
        MaterialId id = newKey();
        AeadCiphertext ct = hsm.encrypt(id, PLAINTEXT, AAD);

        assertFailsWith(ErrorCode.INVALID_CIPHERTEXT, () -> hsm.decrypt(id, ct, flipBit(AAD, 0)));
        assertFailsWith(ErrorCode.INVALID_CIPHERTEXT, () -> hsm.decrypt(id, ct, new byte[0]));
    }

    @Test
    void decrypt_withModifiedCiphertext_fails() {
        MaterialId id = newKey();
        AeadCiphertext ct = hsm.encrypt(id, PLAINTEXT, AAD);
        AeadCiphertext modified = new AeadCiphertext(ct.iv(), flipBit(ct.ciphertextAndTag(), 0));

        assertFailsWith(ErrorCode.INVALID_CIPHERTEXT, () -> hsm.decrypt(id, modified, AAD));
    }

    @Test
    void decrypt_withModifiedTag_fails() {
        MaterialId id = newKey();
        AeadCiphertext ct = hsm.encrypt(id, PLAINTEXT, AAD);
        byte[] body = ct.ciphertextAndTag();
        AeadCiphertext modified = new AeadCiphertext(ct.iv(), flipBit(body, body.length - 1));

        assertFailsWith(ErrorCode.INVALID_CIPHERTEXT, () -> hsm.decrypt(id, modified, AAD));
    }

    @Test
    void decrypt_withModifiedIv_fails() {
        MaterialId id = newKey();
        AeadCiphertext ct = hsm.encrypt(id, PLAINTEXT, AAD);
        AeadCiphertext modified = new AeadCiphertext(flipBit(ct.iv(), 3), ct.ciphertextAndTag());

        assertFailsWith(ErrorCode.INVALID_CIPHERTEXT, () -> hsm.decrypt(id, modified, AAD));
    }

    @Test
    void decrypt_withTruncatedCiphertext_fails() {
        MaterialId id = newKey();
        AeadCiphertext ct = hsm.encrypt(id, PLAINTEXT, AAD);
        AeadCiphertext truncated = new AeadCiphertext(ct.iv(), Arrays.copyOf(ct.ciphertextAndTag(), 10));

        assertFailsWith(ErrorCode.INVALID_CIPHERTEXT, () -> hsm.decrypt(id, truncated, AAD));
    }

    @Test
    void decrypt_withShortIv_fails() {
        MaterialId id = newKey();
        AeadCiphertext ct = hsm.encrypt(id, PLAINTEXT, AAD);
        AeadCiphertext shortIv = new AeadCiphertext(Arrays.copyOf(ct.iv(), 8), ct.ciphertextAndTag());

        assertFailsWith(ErrorCode.INVALID_CIPHERTEXT, () -> hsm.decrypt(id, shortIv, AAD));
    }

    @Test
    void decrypt_withDifferentMaterial_fails() {
        MaterialId id = newKey();
        MaterialId other = newKey();
        AeadCiphertext ct = hsm.encrypt(id, PLAINTEXT, AAD);

        assertFailsWith(ErrorCode.INVALID_CIPHERTEXT, () -> hsm.decrypt(other, ct, AAD));
    }

    @Test
    void encrypt_withUnknownMaterial_fails() {
        assertFailsWith(ErrorCode.KEY_UNAVAILABLE, () -> hsm.encrypt(MaterialId.random(), PLAINTEXT, AAD));
    }

    @Test
    void generateKey_withoutSpec_fails() {
        assertFailsWith(ErrorCode.UNSUPPORTED_OPERATION,
                () -> hsm.generateKey(MaterialId.random(), null, "no spec"));
    }

    @Test
    void useAfterDestroy_fails() {
        MaterialId id = newKey();
        AeadCiphertext ct = hsm.encrypt(id, PLAINTEXT, AAD);

        hsm.destroyKey(id);

        assertFailsWith(ErrorCode.KEY_UNAVAILABLE, () -> hsm.encrypt(id, PLAINTEXT, AAD));
        assertFailsWith(ErrorCode.KEY_UNAVAILABLE, () -> hsm.decrypt(id, ct, AAD));
    }

    @Test
    void destroyKey_isIdempotent() {
        MaterialId id = newKey();

        hsm.destroyKey(id);
        hsm.destroyKey(id);
        hsm.destroyKey(MaterialId.random());

        assertFalse(hsm.listKeys().stream().anyMatch(o -> id.equals(o.id())));
    }

    @Test
    void listKeys_containsGeneratedKeysAndNotDestroyedOnes() {
        MaterialId kept = MaterialId.random();
        MaterialId destroyed = MaterialId.random();
        hsm.generateKey(kept, KeySpec.SYMMETRIC_DEFAULT, "kept-label");
        hsm.generateKey(destroyed, KeySpec.SYMMETRIC_DEFAULT, "destroyed-label");
        hsm.destroyKey(destroyed);

        List<TokenObject> keys = hsm.listKeys();

        assertTrue(keys.contains(new TokenObject(kept, "kept-label")), keys.toString());
        assertFalse(keys.stream().anyMatch(o -> destroyed.equals(o.id())), keys.toString());
    }

    @Test
    void mac_thenVerifyMac_roundTrips() {
        MaterialId id = newHmacKey();

        byte[] mac = hsm.mac(id, PLAINTEXT);

        assertEquals(MAC_LENGTH, mac.length);
        assertTrue(hsm.verifyMac(id, PLAINTEXT, mac));
    }

    @Test
    void mac_withEmptyAndLargeData_roundTrips() {
        MaterialId id = newHmacKey();
        byte[] large = new byte[64 * 1024];
        new SplittableRandom(2).nextBytes(large);

        byte[] empty = hsm.mac(id, new byte[0]);
        byte[] big = hsm.mac(id, large);

        assertEquals(MAC_LENGTH, empty.length);
        assertTrue(hsm.verifyMac(id, new byte[0], empty));
        assertTrue(hsm.verifyMac(id, large, big));
        assertFalse(hsm.verifyMac(id, new byte[0], big));
        assertFalse(hsm.verifyMac(id, large, empty));
    }

    @Test
    void mac_isStableForSameKeyAndData_andDiffersOtherwise() {
        MaterialId id = newHmacKey();
        MaterialId other = newHmacKey();

        byte[] mac = hsm.mac(id, PLAINTEXT);

        assertArrayEquals(mac, hsm.mac(id, PLAINTEXT));
        assertFalse(Arrays.equals(mac, hsm.mac(id, flipBit(PLAINTEXT, 0))));
        assertFalse(Arrays.equals(mac, hsm.mac(other, PLAINTEXT)));
    }

    @Test
    void verifyMac_withTamperedDataOrMac_isFalse() {
        MaterialId id = newHmacKey();
        byte[] mac = hsm.mac(id, PLAINTEXT);

        assertFalse(hsm.verifyMac(id, flipBit(PLAINTEXT, 0), mac));
        assertFalse(hsm.verifyMac(id, new byte[0], mac));
        assertFalse(hsm.verifyMac(id, PLAINTEXT, flipBit(mac, 0)));
        assertFalse(hsm.verifyMac(id, PLAINTEXT, flipBit(mac, MAC_LENGTH - 1)));
        assertTrue(hsm.verifyMac(id, PLAINTEXT, mac), "the MAC is still good after failed checks");
    }

    @Test
    void verifyMac_withMacOfWrongLength_isFalse() {
        MaterialId id = newHmacKey();
        byte[] mac = hsm.mac(id, PLAINTEXT);
        byte[] extended = Arrays.copyOf(mac, MAC_LENGTH + 1);

        assertFalse(hsm.verifyMac(id, PLAINTEXT, Arrays.copyOf(mac, 16)));
        assertFalse(hsm.verifyMac(id, PLAINTEXT, extended));
        assertFalse(hsm.verifyMac(id, PLAINTEXT, new byte[0]));
        assertTrue(hsm.verifyMac(id, PLAINTEXT, mac));
    }

    @Test
    void verifyMac_withMacFromOtherKey_isFalse() {
        MaterialId id = newHmacKey();
        MaterialId other = newHmacKey();

        assertFalse(hsm.verifyMac(other, PLAINTEXT, hsm.mac(id, PLAINTEXT)));
    }

    @Test
    void mac_withEncryptionKey_failsInvalidKeyUsage() {
        MaterialId aes = newKey();

        assertFailsWith(ErrorCode.INVALID_KEY_USAGE, () -> hsm.mac(aes, PLAINTEXT));
        assertFailsWith(ErrorCode.INVALID_KEY_USAGE, () -> hsm.mac(aes, new byte[0]));
        assertFailsWith(ErrorCode.INVALID_KEY_USAGE, () -> hsm.verifyMac(aes, PLAINTEXT, new byte[MAC_LENGTH]));
        assertFailsWith(ErrorCode.INVALID_KEY_USAGE, () -> hsm.verifyMac(aes, PLAINTEXT, new byte[0]));
        assertArrayEquals(PLAINTEXT, hsm.decrypt(aes, hsm.encrypt(aes, PLAINTEXT, AAD), AAD));
    }

    @Test
    void encrypt_withHmacKey_failsInvalidKeyUsage() {
        MaterialId hmac = newHmacKey();
        MaterialId aes = newKey();
        AeadCiphertext ct = hsm.encrypt(aes, PLAINTEXT, AAD);

        assertFailsWith(ErrorCode.INVALID_KEY_USAGE, () -> hsm.encrypt(hmac, PLAINTEXT, AAD));
        assertFailsWith(ErrorCode.INVALID_KEY_USAGE, () -> hsm.encrypt(hmac, new byte[0], AAD));
        assertFailsWith(ErrorCode.INVALID_KEY_USAGE, () -> hsm.decrypt(hmac, ct, AAD));
        assertTrue(hsm.verifyMac(hmac, PLAINTEXT, hsm.mac(hmac, PLAINTEXT)));
    }

    @Test
    void mac_withUnknownMaterial_failsUnavailable() {
        MaterialId missing = MaterialId.random();

        assertFailsWith(ErrorCode.KEY_UNAVAILABLE, () -> hsm.mac(missing, PLAINTEXT));
        assertFailsWith(ErrorCode.KEY_UNAVAILABLE, () -> hsm.verifyMac(missing, PLAINTEXT, new byte[MAC_LENGTH]));
    }

    @Test
    void mac_afterDestroy_failsUnavailable() {
        MaterialId id = newHmacKey();
        byte[] mac = hsm.mac(id, PLAINTEXT);

        hsm.destroyKey(id);

        assertFailsWith(ErrorCode.KEY_UNAVAILABLE, () -> hsm.mac(id, PLAINTEXT));
        assertFailsWith(ErrorCode.KEY_UNAVAILABLE, () -> hsm.verifyMac(id, PLAINTEXT, mac));
    }

    @Test
    void listKeys_containsHmacKeys() {
        MaterialId id = MaterialId.random();
        hsm.generateKey(id, KeySpec.HMAC_256, "hmac-label");

        assertTrue(hsm.listKeys().contains(new TokenObject(id, "hmac-label")), hsm.listKeys().toString());
    }

    @Test
    void concurrentMacs_onSharedKey_allVerify() throws Exception {
        MaterialId id = newHmacKey();
        Concurrently.onThreads(8, thread -> {
            SplittableRandom random = new SplittableRandom(thread);
            for (int i = 0; i < 100; i++) {
                byte[] data = new byte[random.nextInt(0, 600)];
                random.nextBytes(data);
                byte[] mac = hsm.mac(id, data);
                assertTrue(hsm.verifyMac(id, data, mac));
                assertFalse(hsm.verifyMac(id, data, flipBit(mac, random.nextInt(MAC_LENGTH))));
            }
            return null;
        });
    }

    @Test
    void generateRandom_returnsFreshBytesOfRequestedLength() {
        byte[] first = hsm.generateRandom(32);
        byte[] second = hsm.generateRandom(32);

        assertEquals(32, first.length);
        assertEquals(32, second.length);
        assertFalse(Arrays.equals(first, second));
        assertEquals(0, hsm.generateRandom(0).length);
        assertEquals(1024, hsm.generateRandom(1024).length);
    }

    @Test
    void generateRandom_withNegativeLength_fails() {
        assertFailsWith(ErrorCode.VALIDATION, () -> hsm.generateRandom(-1));
    }

    @Test
    void status_countsObjects() {
        newKey();

        Hsm.HsmStatus status = hsm.status();

        assertNotNull(status.tokenLabel());
        assertFalse(status.mechanisms().isEmpty());
        assertTrue(status.objectCount() >= 1, status.toString());
    }

    @Test
    void concurrentRoundTrips_onSharedKeys_allSucceed() throws Exception {
        List<MaterialId> keys = List.of(newKey(), newKey(), newKey());
        int threads = 8;
        int rounds = 200;
        List<Integer> done = Concurrently.onThreads(threads, thread -> {
            SplittableRandom random = new SplittableRandom(thread);
            for (int i = 0; i < rounds; i++) {
                MaterialId id = keys.get(random.nextInt(keys.size()));
                byte[] data = new byte[random.nextInt(0, 600)];
                byte[] aad = new byte[random.nextInt(0, 64)];
                random.nextBytes(data);
                random.nextBytes(aad);
                byte[] back = hsm.decrypt(id, hsm.encrypt(id, data, aad), aad);
                assertArrayEquals(data, back);
            }
            return rounds;
        });
        assertEquals(threads * rounds, done.stream().mapToInt(Integer::intValue).sum());
    }
}
