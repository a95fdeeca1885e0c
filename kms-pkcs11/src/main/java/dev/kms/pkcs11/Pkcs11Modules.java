package dev.kms.pkcs11;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xipki.pkcs11.wrapper.PKCS11Constants;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.PKCS11Module;
import org.xipki.pkcs11.wrapper.Slot;
import org.xipki.pkcs11.wrapper.StaticLogger;
import org.xipki.pkcs11.wrapper.Token;
import org.xipki.pkcs11.wrapper.TokenException;
import org.xipki.pkcs11.wrapper.TokenInfo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * One initialized PKCS11Module per library per process, shared by reference count: C_Initialize may
 * happen once per process, and SoftHSM2 reads SOFTHSM2_CONF only then. The last release finalizes.
 */
final class Pkcs11Modules {
    private static final Logger LOG = LoggerFactory.getLogger(Pkcs11Modules.class);
    private static final Map<String, Shared> MODULES = new HashMap<>();

    static {
        StaticLogger.setLogger(new Slf4jWrapperLogger());
    }

    private static final class Shared {
        final PKCS11Module module;
        int users;

        Shared(PKCS11Module module) {
            this.module = module;
        }
    }

    private Pkcs11Modules() {
    }

    /** The initialized module of {@code libraryPath}; pair with {@link #release(PKCS11Module)}. */
    static synchronized PKCS11Module acquire(String libraryPath) {
        String key = Path.of(libraryPath).toAbsolutePath().normalize().toString();
        Shared shared = MODULES.get(key);
        if (shared == null) {
            shared = new Shared(load(key));
            MODULES.put(key, shared);
        }
        shared.users++;
        return shared.module;
    }

    static synchronized void release(PKCS11Module module) {
        MODULES.entrySet().removeIf(entry -> {
            Shared shared = entry.getValue();
            if (shared.module != module || --shared.users > 0) {
                return false;
            }
            try {
                module.finalize(null);
            } catch (PKCS11Exception e) {
                // Nothing to recover: the library is being let go either way.
                LOG.warn("C_Finalize of {} failed: {}", entry.getKey(), Pkcs11Errors.name(e));
            }
            return true;
        });
    }

    private static PKCS11Module load(String libraryPath) {
        PKCS11Module module;
        try {
            module = PKCS11Module.getInstance(libraryPath);
        } catch (IOException | RuntimeException e) {
            throw new KmsException(ErrorCode.KEY_UNAVAILABLE,
                    "cannot load PKCS#11 library " + libraryPath + ": " + e.getMessage());
        }
        try {
            // The wrapper passes CKF_OS_LOCKING_OK, so the library does its own locking across threads.
            module.initialize();
        } catch (PKCS11Exception e) {
            if (e.getErrorCode() != PKCS11Constants.CKR_CRYPTOKI_ALREADY_INITIALIZED) {
                // SoftHSM2 fails here when SOFTHSM2_CONF or its token directory is missing or unreadable.
                throw Pkcs11Errors.translate("C_Initialize of " + libraryPath
                        + " (SoftHSM2 reads its configuration from " + SoftHsmToken.CONF_ENV + ")", e);
            }
        }
        return module;
    }

    /** Initialized tokens of the module whose info matches, in slot order. */
    static List<Token> tokens(PKCS11Module module, Predicate<TokenInfo> matches) throws TokenException {
        List<Token> found = new ArrayList<>();
        for (Slot slot : module.getSlotList(true)) {
            Token token = slot.getToken();
            TokenInfo info = token.getTokenInfo();
            if (info.isTokenInitialized() && matches.test(info)) {
                found.add(token);
            }
        }
        return found;
    }
}
