package dev.kms.core.fake;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.model.KeySpec;
import dev.kms.core.model.KeyUsage;
import dev.kms.core.model.MacAlgorithm;
import dev.kms.core.model.MaterialId;
import dev.kms.core.port.Hsm;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A fake {@link Hsm} on the JDK's AES/GCM and HmacSHA256 with keys in a map; same error semantics as the token. */
public final class InMemoryHsm implements Hsm {
    private static final int AES_KEY_BYTES = 32;

    private final SecureRandom random = new SecureRandom();
    private final Map<MaterialId, StoredKey> keys = new ConcurrentHashMap<>();
    private final List<TokenObject> halfWritten = new CopyOnWriteArrayList<>();

    /** A key, its spec and its label; never printed. */
    private static final class StoredKey {
        final SecretKeySpec key;
        final KeySpec spec;
        final String label;

        StoredKey(SecretKeySpec key, KeySpec spec, String label) {
            this.key = key;
            this.spec = spec;
            this.label = label;
        }

        @Override
        public String toString() {
            return "StoredKey[" + spec + ", label=" + label + "]";
        }
    }

    @Override
    public void generateKey(MaterialId id, KeySpec spec, String label) {
        String algorithm;
        int length;
        if (spec == KeySpec.SYMMETRIC_DEFAULT) {
            algorithm = "AES";
            length = AES_KEY_BYTES;
        } else if (spec != null && spec.defaultUsage() == KeyUsage.GENERATE_VERIFY_MAC) {
            MacAlgorithm mac = spec.macAlgorithms().get(0);
            algorithm = jdkName(mac);
            length = mac.length();
        } else {
            throw new KmsException(ErrorCode.UNSUPPORTED_OPERATION, "key spec " + spec + " is not supported");
        }
        byte[] value = new byte[length];
        random.nextBytes(value);
        try {
            StoredKey previous = keys.putIfAbsent(id, new StoredKey(new SecretKeySpec(value, algorithm), spec, label));
            if (previous != null) {
                throw new KmsException(ErrorCode.ALREADY_EXISTS, "key material " + id + " already exists");
            }
        } finally {
            Arrays.fill(value, (byte) 0);
        }
    }

    @Override
    public AeadCiphertext encrypt(MaterialId id, byte[] plaintext, byte[] associatedData) {
        SecretKeySpec key = key(id, KeySpec.SYMMETRIC_DEFAULT);
        byte[] iv = new byte[AeadCiphertext.IV_LENGTH];
        random.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(8 * AeadCiphertext.TAG_LENGTH, iv));
            cipher.updateAAD(orEmpty(associatedData));
            return new AeadCiphertext(iv, cipher.doFinal(plaintext));
        } catch (GeneralSecurityException e) {
            throw new KmsException(ErrorCode.INTERNAL, "AES-GCM encryption failed", e);
        }
    }

    @Override
    public byte[] decrypt(MaterialId id, AeadCiphertext ciphertext, byte[] associatedData) {
        SecretKeySpec key = key(id, KeySpec.SYMMETRIC_DEFAULT);
        if (ciphertext.iv().length != AeadCiphertext.IV_LENGTH
                || ciphertext.ciphertextAndTag().length < AeadCiphertext.TAG_LENGTH) {
            throw new KmsException(ErrorCode.INVALID_CIPHERTEXT, "ciphertext is malformed");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key,
                    new GCMParameterSpec(8 * AeadCiphertext.TAG_LENGTH, ciphertext.iv()));
            cipher.updateAAD(orEmpty(associatedData));
            return cipher.doFinal(ciphertext.ciphertextAndTag());
        } catch (AEADBadTagException e) {
            throw new KmsException(ErrorCode.INVALID_CIPHERTEXT, "ciphertext failed authentication");
        } catch (GeneralSecurityException e) {
            throw new KmsException(ErrorCode.INTERNAL, "AES-GCM decryption failed", e);
        }
    }

    @Override
    public byte[] mac(MaterialId id, MacAlgorithm algorithm, byte[] data) {
        StoredKey stored = stored(id);
        if (!stored.spec.macAlgorithms().contains(algorithm)) {
            throw new KmsException(ErrorCode.INVALID_KEY_USAGE,
                    "key material " + id + " is a " + stored.spec + " key, not one for " + algorithm);
        }
        return hmac(stored.key, algorithm, data);
    }

    /** The JDK's HMAC; {@link InMemoryTrailSealer} seals with it too. */
    static byte[] hmac(SecretKeySpec key, MacAlgorithm algorithm, byte[] data) {
        try {
            Mac mac = Mac.getInstance(jdkName(algorithm));
            mac.init(key);
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new KmsException(ErrorCode.INTERNAL, algorithm + " failed", e);
        }
    }

    @Override
    public boolean verifyMac(MaterialId id, MacAlgorithm algorithm, byte[] data, byte[] mac) {
        return MessageDigest.isEqual(mac(id, algorithm, data), mac);
    }

    /** HMAC_SHA_384 is the JDK's HmacSHA384. */
    private static String jdkName(MacAlgorithm algorithm) {
        return "HmacSHA" + algorithm.name().substring("HMAC_SHA_".length());
    }

    @Override
    public byte[] generateRandom(int length) {
        if (length < 0) {
            throw KmsException.validation("length", "must be at least 0");
        }
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    @Override
    public void destroyKey(MaterialId id) {
        keys.remove(id);
    }

    @Override
    public List<TokenObject> listKeys() {
        return keys.entrySet().stream().map(e -> new TokenObject(e.getKey(), e.getValue().label)).toList();
    }

    /** What a token holds after a process was killed while creating an object; see {@link Hsm#incompleteObjects()}. */
    public void addHalfWrittenObject(TokenObject object) {
        halfWritten.add(object);
    }

    @Override
    public List<TokenObject> incompleteObjects() {
        return List.copyOf(halfWritten);
    }

    @Override
    public int destroyIncompleteObjects() {
        int count = halfWritten.size();
        halfWritten.clear();
        return count;
    }

    @Override
    public HsmStatus status() {
        return new HsmStatus("in-memory", "JDK AES/GCM fake", "in-memory", "0", "InMemoryHsm",
                List.of("AES-GCM", "HMAC-SHA-256"), keys.size());
    }

    private StoredKey stored(MaterialId id) {
        StoredKey stored = keys.get(id);
        if (stored == null) {
            throw new KmsException(ErrorCode.KEY_UNAVAILABLE, "key material " + id + " is not available in the HSM");
        }
        return stored;
    }

    private SecretKeySpec key(MaterialId id, KeySpec required) {
        StoredKey stored = stored(id);
        if (stored.spec != required) {
            throw new KmsException(ErrorCode.INVALID_KEY_USAGE,
                    "key material " + id + " is a " + stored.spec + " key, not " + required);
        }
        return stored.key;
    }

    private static byte[] orEmpty(byte[] associatedData) {
        return associatedData == null ? new byte[0] : associatedData;
    }
}
