package dev.kms.pkcs11;

import org.xipki.pkcs11.wrapper.PKCS11Module;
import org.xipki.pkcs11.wrapper.Session;
import org.xipki.pkcs11.wrapper.Token;
import org.xipki.pkcs11.wrapper.TokenException;

import java.nio.file.Path;
import java.util.List;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_USER_ALREADY_LOGGED_IN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKU_USER;

/**
 * One SoftHSM2 token made by {@link TestTokens}: how to open it, and raw access for inspection.
 *
 * @param configFile the softhsm2.conf the token lives under
 */
public record TestToken(String libraryPath, Path configFile, String label, char[] soPin, char[] userPin) {
    /** A copy of the user PIN; {@link Pkcs11Hsm#open} clears what it is given. */
    @Override
    public char[] userPin() {
        return userPin.clone();
    }

    /** A copy of the security officer PIN. */
    @Override
    public char[] soPin() {
        return soPin.clone();
    }

    public Pkcs11Config config() {
        return Pkcs11Config.byLabel(libraryPath, label);
    }

    /** A new, logged-in adapter on this token; the caller closes it. */
    public Pkcs11Hsm openHsm() {
        return Pkcs11Hsm.open(config(), userPin());
    }

    public Pkcs11Hsm openHsm(int sessionPoolSize) {
        return Pkcs11Hsm.open(config().withSessionPoolSize(sessionPoolSize), userPin());
    }

    /** Work done on a raw, user-logged-in session of this token, for tests that look behind the port. */
    @FunctionalInterface
    public interface RawCall<T> {
        T call(PKCS11Module module, Session session) throws TokenException;
    }

    /** Runs {@code call} on a fresh session of this token, logged in as user, and closes the session. */
    public <T> T raw(RawCall<T> call) throws TokenException {
        PKCS11Module module = Pkcs11Modules.acquire(libraryPath);
        try {
            List<Token> tokens = Pkcs11Modules.tokens(module, info -> label.equals(info.getLabel().trim()));
            Session session = tokens.get(0).openSession(true);
            try {
                try {
                    session.login(CKU_USER, userPin());
                } catch (TokenException e) {
                    if (!Pkcs11Errors.is(e, CKR_USER_ALREADY_LOGGED_IN)) {
                        throw e;
                    }
                }
                return call.call(module, session);
            } finally {
                session.closeSession();
            }
        } finally {
            Pkcs11Modules.release(module);
        }
    }

    @Override
    public String toString() {
        return "TestToken[" + label + "]";
    }
}
