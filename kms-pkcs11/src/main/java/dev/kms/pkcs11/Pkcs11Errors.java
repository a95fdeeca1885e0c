package dev.kms.pkcs11;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import org.xipki.pkcs11.wrapper.PKCS11Constants;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.TokenException;

import java.util.Set;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.*;

/**
 * Translates the wrapper's checked exceptions into the domain's {@link KmsException} at the module
 * boundary. Messages name the action and the CKR code, never PINs or key bytes; the wrapper exception
 * is not attached as cause so that no PKCS#11 type leaves the module.
 */
final class Pkcs11Errors {
    /** The token, the login or the device is not usable: AWS calls that KeyUnavailableException. */
    private static final Set<Long> UNAVAILABLE = Set.of(
            CKR_TOKEN_NOT_PRESENT, CKR_TOKEN_NOT_RECOGNIZED, CKR_DEVICE_REMOVED, CKR_DEVICE_ERROR,
            CKR_DEVICE_MEMORY, CKR_PIN_INCORRECT, CKR_PIN_INVALID, CKR_PIN_LEN_RANGE, CKR_PIN_EXPIRED,
            CKR_PIN_LOCKED, CKR_USER_NOT_LOGGED_IN, CKR_USER_PIN_NOT_INITIALIZED, CKR_SESSION_COUNT,
            CKR_OBJECT_HANDLE_INVALID, CKR_KEY_HANDLE_INVALID, CKR_TOKEN_RESOURCE_EXCEEDED);

    /** The key exists but its type or usage flags do not allow the operation: InvalidKeyUsageException. */
    private static final Set<Long> WRONG_KEY_USAGE = Set.of(CKR_KEY_FUNCTION_NOT_PERMITTED, CKR_KEY_TYPE_INCONSISTENT);

    private Pkcs11Errors() {
    }

    static KmsException translate(String action, TokenException e) {
        if (e instanceof PKCS11Exception p) {
            if (WRONG_KEY_USAGE.contains(p.getErrorCode())) {
                return new KmsException(ErrorCode.INVALID_KEY_USAGE,
                        action + " failed: the key material is not for this operation (" + name(p) + ")");
            }
            ErrorCode code = UNAVAILABLE.contains(p.getErrorCode()) ? ErrorCode.KEY_UNAVAILABLE : ErrorCode.INTERNAL;
            return new KmsException(code, action + " failed: " + name(p));
        }
        return new KmsException(ErrorCode.INTERNAL, action + " failed: " + e.getMessage());
    }

    static String name(PKCS11Exception e) {
        String name = PKCS11Constants.ckrCodeToName(e.getErrorCode());
        return name != null ? name : "CKR 0x" + Long.toHexString(e.getErrorCode());
    }

    static boolean is(TokenException e, long ckr) {
        return e instanceof PKCS11Exception p && p.getErrorCode() == ckr;
    }

    /** The cached handle no longer names an object: evict, resolve again and retry. */
    static boolean isStaleHandle(TokenException e) {
        return is(e, CKR_OBJECT_HANDLE_INVALID) || is(e, CKR_KEY_HANDLE_INVALID);
    }

    /** The session is gone (token reset, library restarted): replace it. */
    static boolean isSessionGone(TokenException e) {
        return is(e, CKR_SESSION_HANDLE_INVALID) || is(e, CKR_SESSION_CLOSED);
    }

    /** A MAC that does not match, including one of the wrong length. */
    static boolean isBadSignature(TokenException e) {
        return is(e, CKR_SIGNATURE_INVALID) || is(e, CKR_SIGNATURE_LEN_RANGE);
    }

    /** A failed GCM tag check or a ciphertext too short to hold the tag. */
    static boolean isBadCiphertext(TokenException e) {
        return is(e, CKR_ENCRYPTED_DATA_INVALID) || is(e, CKR_ENCRYPTED_DATA_LEN_RANGE);
    }
}
