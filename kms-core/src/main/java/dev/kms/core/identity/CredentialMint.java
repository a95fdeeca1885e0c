package dev.kms.core.identity;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.port.Hsm;
import dev.kms.core.secret.Secret;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/** Makes new secrets and session tokens from the token's random generator, and the forms the store keeps. */
final class CredentialMint {
    /** 30 random bytes are 40 base64 characters, the length of an AWS secret access key. */
    private static final int SECRET_BYTES = 30;
    private static final int SESSION_TOKEN_BYTES = 48;

    private final Hsm hsm;
    private final SecretProtector protector;

    CredentialMint(Hsm hsm, SecretProtector protector) {
        this.hsm = hsm;
        this.protector = protector;
    }

    /** A new secret for {@code accessKeyId} and its protected form. */
    NewSecret newSecret(String accessKeyId) {
        Secret secret = random(SECRET_BYTES);
        try {
            return new NewSecret(secret, protector.protect(accessKeyId, secret.chars()));
        } catch (RuntimeException e) {
            secret.destroy();
            throw e;
        }
    }

    Secret newSessionToken() {
        return random(SESSION_TOKEN_BYTES);
    }

    /** Session tokens are 48 random bytes, so an unsalted SHA-256 keeps them as safe as the token's entropy. */
    static String hash(char[] sessionToken) {
        byte[] bytes = SecretProtector.utf8(sessionToken);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new KmsException(ErrorCode.INTERNAL, "SHA-256 is unavailable", e);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** Compares in constant time; a null token never matches. */
    static boolean hashMatches(String sessionToken, String storedHash) {
        if (sessionToken == null || storedHash == null) {
            return false;
        }
        char[] chars = sessionToken.toCharArray();
        try {
            return MessageDigest.isEqual(hash(chars).getBytes(StandardCharsets.US_ASCII),
                    storedHash.getBytes(StandardCharsets.US_ASCII));
        } finally {
            Arrays.fill(chars, '\0');
        }
    }

    private Secret random(int length) {
        byte[] bytes = hsm.generateRandom(length);
        byte[] encoded = Base64.getEncoder().encode(bytes);
        char[] chars = new char[encoded.length];
        for (int i = 0; i < encoded.length; i++) {
            chars[i] = (char) encoded[i];
        }
        Arrays.fill(bytes, (byte) 0);
        Arrays.fill(encoded, (byte) 0);
        return Secret.adopt(chars);
    }

    /** A secret shown once and what the store keeps of it. */
    record NewSecret(Secret secret, ProtectedSecret protectedSecret) {
    }
}
