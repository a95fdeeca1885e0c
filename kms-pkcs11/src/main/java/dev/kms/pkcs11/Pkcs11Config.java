package dev.kms.pkcs11;

/**
 * Where the token is: the PKCS#11 library and the token's label or serial number (exactly one), and how
 * many sessions to keep open. The user PIN is not part of it: records never hold secret arrays, so the
 * PIN is handed to {@link Pkcs11Hsm#open(Pkcs11Config, char[])} separately.
 */
public record Pkcs11Config(String libraryPath, String tokenLabel, String tokenSerial, int sessionPoolSize) {
    public static final int DEFAULT_SESSION_POOL_SIZE = 8;
    public static final int MAX_SESSION_POOL_SIZE = 256;

    public Pkcs11Config {
        if (libraryPath == null || libraryPath.isBlank()) {
            throw new IllegalArgumentException("libraryPath must not be blank");
        }
        if ((tokenLabel == null) == (tokenSerial == null)) {
            throw new IllegalArgumentException("exactly one of tokenLabel and tokenSerial must be given");
        }
        if (sessionPoolSize < 1 || sessionPoolSize > MAX_SESSION_POOL_SIZE) {
            throw new IllegalArgumentException("sessionPoolSize must be between 1 and " + MAX_SESSION_POOL_SIZE);
        }
    }

    /** The token with this label, through {@value #DEFAULT_SESSION_POOL_SIZE} sessions. */
    public static Pkcs11Config byLabel(String libraryPath, String tokenLabel) {
        return new Pkcs11Config(libraryPath, tokenLabel, null, DEFAULT_SESSION_POOL_SIZE);
    }

    /** The token with this serial number, through {@value #DEFAULT_SESSION_POOL_SIZE} sessions. */
    public static Pkcs11Config bySerial(String libraryPath, String tokenSerial) {
        return new Pkcs11Config(libraryPath, null, tokenSerial, DEFAULT_SESSION_POOL_SIZE);
    }

    public Pkcs11Config withSessionPoolSize(int size) {
        return new Pkcs11Config(libraryPath, tokenLabel, tokenSerial, size);
    }

    /** "label 'x'" or "serial 'y'", for messages. */
    String tokenDescription() {
        return tokenLabel != null ? "label '" + tokenLabel + "'" : "serial '" + tokenSerial + "'";
    }
}
