package dev.kms.core.identity;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.model.KeySpec;
import dev.kms.core.model.MaterialId;
import dev.kms.core.port.Hsm;
import dev.kms.core.secret.Secret;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Encrypts secrets with AES-GCM inside the HSM under the service key {@link ServiceKeys#SECRETS}, bound by
 * the associated data to the access key they belong to, so a protected secret copied onto another key's
 * row fails to decrypt. Format: version byte 1, the 12-byte IV, then ciphertext and 16-byte tag.
 */
public final class SecretProtector {
    private static final byte VERSION = 1;
    private static final String AAD_PREFIX = "kms-access-key-secret/v1:";

    private final Hsm hsm;
    private final MaterialId key;

    /** Protects under the SYMMETRIC_DEFAULT material {@code key}. */
    public SecretProtector(Hsm hsm, MaterialId key) {
        if (hsm == null || key == null) {
            throw new IllegalArgumentException("hsm and key are required");
        }
        this.hsm = hsm;
        this.key = key;
    }

    /** Protects under the service's secrets key, creating it on first use. */
    public static SecretProtector create(Hsm hsm, ServiceKeys serviceKeys) {
        return new SecretProtector(hsm, serviceKeys.ensure(ServiceKeys.SECRETS, KeySpec.SYMMETRIC_DEFAULT));
    }

    /** Encrypts the secret of access key {@code accessKeyId}. */
    public ProtectedSecret protect(String accessKeyId, char[] secret) {
        byte[] plaintext = utf8(secret);
        try {
            Hsm.AeadCiphertext sealed = hsm.encrypt(key, plaintext, aad(accessKeyId));
            byte[] iv = sealed.iv();
            byte[] body = sealed.ciphertextAndTag();
            byte[] out = new byte[1 + iv.length + body.length];
            out[0] = VERSION;
            System.arraycopy(iv, 0, out, 1, iv.length);
            System.arraycopy(body, 0, out, 1 + iv.length, body.length);
            return ProtectedSecret.of(out);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    /** Decrypts the secret of access key {@code accessKeyId}; the caller destroys it after use. */
    public Secret reveal(String accessKeyId, ProtectedSecret protectedSecret) {
        byte[] blob = protectedSecret.bytes();
        int ivLength = Hsm.AeadCiphertext.IV_LENGTH;
        if (blob.length < 1 + ivLength + Hsm.AeadCiphertext.TAG_LENGTH || blob[0] != VERSION) {
            throw new KmsException(ErrorCode.INTERNAL, "The stored secret of access key " + accessKeyId
                    + " is not in a format this service reads");
        }
        Hsm.AeadCiphertext sealed = new Hsm.AeadCiphertext(Arrays.copyOfRange(blob, 1, 1 + ivLength),
                Arrays.copyOfRange(blob, 1 + ivLength, blob.length));
        byte[] plaintext;
        try {
            plaintext = hsm.decrypt(key, sealed, aad(accessKeyId));
        } catch (KmsException e) {
            if (e.code() == ErrorCode.INVALID_CIPHERTEXT) {
                // Tampering with the store, or a secret moved to another key's row: a server fault, not the caller's.
                throw new KmsException(ErrorCode.INTERNAL, "The stored secret of access key " + accessKeyId
                        + " does not decrypt under the secrets service key", e);
            }
            throw e;
        }
        try {
            CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(plaintext));
            char[] secret = Arrays.copyOf(chars.array(), chars.limit());
            Arrays.fill(chars.array(), '\0');
            return Secret.adopt(secret);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    private static byte[] aad(String accessKeyId) {
        return (AAD_PREFIX + accessKeyId).getBytes(StandardCharsets.UTF_8);
    }

    /** UTF-8 bytes of {@code chars} without an intermediate String, which could not be cleared. */
    static byte[] utf8(char[] chars) {
        ByteBuffer buffer = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
        byte[] bytes = Arrays.copyOf(buffer.array(), buffer.limit());
        Arrays.fill(buffer.array(), (byte) 0);
        return bytes;
    }
}
