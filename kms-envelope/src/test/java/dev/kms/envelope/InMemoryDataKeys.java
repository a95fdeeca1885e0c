package dev.kms.envelope;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Map;
import java.util.TreeMap;

/**
 * The fake of the {@link DataKeyService} port: one AES-256 key in memory encrypts data keys with AES-GCM, the
 * sorted encryption context as associated data, as the key service binds it. Counts its calls.
 */
final class InMemoryDataKeys implements DataKeyService {
    static final String ARN = "arn:aws:kms:us-east-1:111122223333:key/in-memory";
    private static final SecureRandom RANDOM = new SecureRandom();
    private final SecretKeySpec key = new SecretKeySpec(random(32), "AES");
    int calls;

    @Override
    public DataKey generateDataKey(String keyId, Map<String, String> encryptionContext, int numberOfBytes) {
        calls++;
        byte[] plaintext = random(numberOfBytes);
        byte[] iv = random(12);
        byte[] sealed = gcm(Cipher.ENCRYPT_MODE, iv, encryptionContext, plaintext);
        byte[] blob = new byte[12 + sealed.length];
        System.arraycopy(iv, 0, blob, 0, 12);
        System.arraycopy(sealed, 0, blob, 12, sealed.length);
        return new DataKey(ARN, blob, plaintext);
    }

    @Override
    public DataKey decrypt(String keyArn, byte[] ciphertextBlob, Map<String, String> encryptionContext) {
        calls++;
        if (!ARN.equals(keyArn)) {
            throw new KmsException(ErrorCode.INCORRECT_KEY, "not this key");
        }
        byte[] iv = java.util.Arrays.copyOf(ciphertextBlob, 12);
        byte[] sealed = java.util.Arrays.copyOfRange(ciphertextBlob, 12, ciphertextBlob.length);
        return new DataKey(ARN, ciphertextBlob, gcm(Cipher.DECRYPT_MODE, iv, encryptionContext, sealed));
    }

    private byte[] gcm(int mode, byte[] iv, Map<String, String> context, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, key, new GCMParameterSpec(128, iv));
            cipher.updateAAD(new TreeMap<>(context).toString().getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new KmsException(ErrorCode.INVALID_CIPHERTEXT, "the data key does not decrypt");
        }
    }

    private static byte[] random(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
