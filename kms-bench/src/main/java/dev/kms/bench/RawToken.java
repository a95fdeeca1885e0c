package dev.kms.bench;

import dev.kms.core.model.MaterialId;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.PKCS11Module;
import org.xipki.pkcs11.wrapper.Session;
import org.xipki.pkcs11.wrapper.Slot;
import org.xipki.pkcs11.wrapper.Token;
import org.xipki.pkcs11.wrapper.TokenException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKO_SECRET_KEY;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_CRYPTOKI_ALREADY_INITIALIZED;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_USER_ALREADY_LOGGED_IN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKU_USER;

/**
 * The baseline: the bench's own sessions on the service's token through the same wrapper, one per thread,
 * with no pool, no cache and no service code in between.
 *
 * <p>It loads its own {@link PKCS11Module} (the adapter's shared one is package-private). The library is
 * already initialized by then, so C_Initialize answers CKR_CRYPTOKI_ALREADY_INITIALIZED, and this module
 * is never finalized: that would end the adapter's use of the library too.
 */
final class RawToken implements AutoCloseable {
    private final List<Session> sessions = new ArrayList<>();

    private RawToken() {
    }

    /** Opens {@code count} sessions on the token labelled {@code label}, logged in as user. */
    static RawToken open(String libraryPath, String label, char[] userPin, int count) throws IOException, TokenException {
        PKCS11Module module = PKCS11Module.getInstance(libraryPath);
        try {
            module.initialize();
        } catch (PKCS11Exception e) {
            if (e.getErrorCode() != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
                throw e;
            }
        }
        Token token = null;
        for (Slot slot : module.getSlotList(true)) {
            if (label.equals(slot.getToken().getTokenInfo().getLabel().trim())) {
                token = slot.getToken();
            }
        }
        if (token == null) {
            throw new IllegalStateException("no token labelled " + label);
        }
        RawToken raw = new RawToken();
        try {
            for (int i = 0; i < count; i++) {
                raw.sessions.add(token.openSession(true));
            }
            try {
                raw.sessions.get(0).login(CKU_USER, userPin);
            } catch (PKCS11Exception e) {
                // Login state belongs to the process: the service's sessions logged in already.
                if (e.getErrorCode() != CKR_USER_ALREADY_LOGGED_IN) {
                    throw e;
                }
            }
        } catch (TokenException | RuntimeException e) {
            raw.close();
            throw e;
        } finally {
            Arrays.fill(userPin, '\0');
        }
        return raw;
    }

    /** Session {@code i}, for the bench thread of that index. */
    Session session(int i) {
        return sessions.get(i);
    }

    /** The handle of the secret key whose CKA_ID is the material id, looked up once per phase. */
    long handle(MaterialId id) throws TokenException {
        long[] found = sessions.get(0).findObjectsSingle(new AttributeVector().class_(CKO_SECRET_KEY).id(id.bytes()), 2);
        if (found.length != 1) {
            throw new IllegalStateException(found.length + " token objects carry material id " + id);
        }
        return found[0];
    }

    @Override
    public void close() {
        for (Session session : sessions) {
            try {
                session.closeSession();
            } catch (PKCS11Exception e) {
                // The run is over; a session that will not close changes nothing measured.
            }
        }
        sessions.clear();
    }
}
