package dev.kms.envelope;

import com.amazonaws.encryptionsdk.CryptoAlgorithm;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The algorithm suites a message may be encrypted with: only those with key commitment, the Encryption SDK's
 * default first. Names as the SDKs spell them, with or without the Java SDK's {@code ALG_} prefix.
 */
public final class AlgorithmSuites {
    /** The Encryption SDK's default under the RequireEncryptRequireDecrypt commitment policy. */
    public static final CryptoAlgorithm DEFAULT = CryptoAlgorithm.ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384;

    private AlgorithmSuites() {
    }

    /** The committing suites, which encryption accepts. */
    public static List<CryptoAlgorithm> forEncryption() {
        return Arrays.stream(CryptoAlgorithm.values()).filter(CryptoAlgorithm::isCommitting).toList();
    }

    /** The suite called {@code name}; a suite without key commitment, or an unknown name, is refused. */
    public static CryptoAlgorithm forEncryption(String name) {
        String normalized = name.strip().toUpperCase(Locale.ROOT);
        String full = normalized.startsWith("ALG_") ? normalized : "ALG_" + normalized;
        for (CryptoAlgorithm suite : CryptoAlgorithm.values()) {
            if (suite.name().equals(full)) {
                if (!suite.isCommitting()) {
                    throw new IllegalArgumentException(name + " has no key commitment; encryption accepts only "
                            + names());
                }
                return suite;
            }
        }
        throw new IllegalArgumentException("unknown algorithm suite " + name + "; encryption accepts " + names());
    }

    private static String names() {
        return String.join(", ", forEncryption().stream().map(s -> s.name().substring("ALG_".length())).toList());
    }
}
