package dev.kms.pkcs11;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.model.KeySpec;
import dev.kms.core.model.KeyUsage;
import dev.kms.core.model.MacAlgorithm;
import dev.kms.core.model.MaterialId;
import dev.kms.core.port.Hsm;
import dev.kms.core.port.SessionPoolStats;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.Mechanism;
import org.xipki.pkcs11.wrapper.ModuleInfo;
import org.xipki.pkcs11.wrapper.PKCS11Module;
import org.xipki.pkcs11.wrapper.Session;
import org.xipki.pkcs11.wrapper.Token;
import org.xipki.pkcs11.wrapper.TokenException;
import org.xipki.pkcs11.wrapper.TokenInfo;
import org.xipki.pkcs11.wrapper.params.GCM_PARAMS;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_CLASS;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_ID;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_LABEL;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_VALUE_LEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_AES_GCM;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_AES_KEY_GEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_GENERIC_SECRET_KEY_GEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_SHA224_HMAC;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_SHA256_HMAC;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_SHA384_HMAC;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_SHA512_HMAC;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_ATTRIBUTE_VALUE_INVALID;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_GENERAL_ERROR;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_USER_ALREADY_LOGGED_IN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKU_USER;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.Category;

/**
 * The {@link Hsm} port on a PKCS#11 token: keys are token objects addressed by CKA_ID, AES-GCM and
 * HMAC-SHA-224/256/384/512 run in the token, sessions come from a pool. Safe for concurrent use; close it to release
 * the token.
 */
public final class Pkcs11Hsm implements Hsm, AutoCloseable {
    private static final int TAG_BITS = 8 * AeadCiphertext.TAG_LENGTH;
    private static final int MAX_RANDOM_BYTES = 1 << 20;
    private static final int MAX_IDS_PER_MATERIAL = 64;

    private final Pkcs11Config config;
    private final PKCS11Module module;
    private final Token token;
    private final SessionPool sessions;
    /** Runtime cache of object handles; never persisted, evicted when the token says a handle is stale. */
    private final Map<MaterialId, Long> handles = new ConcurrentHashMap<>();
    /**
     * Serializes creating and destroying token objects (not cryptography): SoftHSM2 2.6 corrupts its object
     * store when two threads create objects at once (CKR_TEMPLATE_INCONSISTENT, heap corruption).
     */
    private final ReentrantLock objectLifecycle = new ReentrantLock();
    private final SecureRandom ivs = new SecureRandom();
    private final AtomicBoolean closed = new AtomicBoolean();

    private Pkcs11Hsm(Pkcs11Config config, PKCS11Module module, Token token, SessionPool sessions) {
        this.config = config;
        this.module = module;
        this.token = token;
        this.sessions = sessions;
    }

    /**
     * Opens the library (once per process), finds the token, opens the session pool and logs the user in.
     * The PIN array is cleared before this method returns, whether it succeeds or not. PKCS#11 login state
     * belongs to the process: while another instance here is logged in to the same token, the token answers
     * CKR_USER_ALREADY_LOGGED_IN without checking the PIN, and this instance shares that login.
     *
     * @throws KmsException KeyUnavailableException when the library, token or login fails
     */
    public static Pkcs11Hsm open(Pkcs11Config config, char[] userPin) {
        try {
            PKCS11Module module = Pkcs11Modules.acquire(config.libraryPath());
            try {
                Token token = findToken(module, config);
                SessionPool sessions = SessionPool.open(token, config.sessionPoolSize());
                try {
                    login(sessions, userPin, config);
                } catch (RuntimeException e) {
                    sessions.close();
                    throw e;
                }
                Pkcs11Hsm hsm = new Pkcs11Hsm(config, module, token, sessions);
                try {
                    hsm.preloadHandles();
                } catch (RuntimeException e) {
                    hsm.close();
                    throw e;
                }
                return hsm;
            } catch (TokenException e) {
                Pkcs11Modules.release(module);
                throw Pkcs11Errors.translate("opening token with " + config.tokenDescription(), e);
            } catch (RuntimeException e) {
                Pkcs11Modules.release(module);
                throw e;
            }
        } finally {
            Arrays.fill(userPin, '\0');
        }
    }

    private static Token findToken(PKCS11Module module, Pkcs11Config config) throws TokenException {
        List<Token> found = Pkcs11Modules.tokens(module, info -> config.tokenLabel() != null
                ? config.tokenLabel().equals(info.getLabel().trim())
                : config.tokenSerial().equals(info.getSerialNumber().trim()));
        if (found.isEmpty()) {
            throw new KmsException(ErrorCode.KEY_UNAVAILABLE, "no initialized token with "
                    + config.tokenDescription() + " in " + config.libraryPath());
        }
        if (found.size() > 1) {
            throw new KmsException(ErrorCode.KEY_UNAVAILABLE, found.size() + " tokens have "
                    + config.tokenDescription() + "; name the token by serial number");
        }
        return found.get(0);
    }

    /** Login state is per application and token, so one login serves every session of the pool. */
    private static void login(SessionPool sessions, char[] userPin, Pkcs11Config config) {
        Session session = sessions.borrow();
        try {
            session.login(CKU_USER, userPin);
        } catch (TokenException e) {
            if (!Pkcs11Errors.is(e, CKR_USER_ALREADY_LOGGED_IN)) {
                throw Pkcs11Errors.translate("user login to token with " + config.tokenDescription(), e);
            }
        } finally {
            sessions.giveBack(session);
        }
    }

    @Override
    public void generateKey(MaterialId id, KeySpec spec, String label) {
        long mechanism;
        AttributeVector template;
        if (spec == KeySpec.SYMMETRIC_DEFAULT) {
            mechanism = CKM_AES_KEY_GEN;
            template = KeyTemplates.newAes256(id, label);
        } else if (spec != null && spec.defaultUsage() == KeyUsage.GENERATE_VERIFY_MAC) {
            mechanism = CKM_GENERIC_SECRET_KEY_GEN;
            template = KeyTemplates.newHmac(id, spec.macAlgorithms().get(0), label);
        } else {
            throw new KmsException(ErrorCode.UNSUPPORTED_OPERATION, "key spec " + spec + " is not supported");
        }
        // No search for an existing CKA_ID first: material ids are 128 random bits, and a search costs time
        // linear in the token's object count on SoftHSM2, which made creating many keys quadratic.
        objectLifecycle.lock();
        try {
            withSession("generating key material " + id, session -> {
                long handle = session.generateKey(new Mechanism(mechanism), template);
                handles.put(id, handle);
                return null;
            });
        } finally {
            objectLifecycle.unlock();
        }
    }

    @Override
    public AeadCiphertext encrypt(MaterialId id, byte[] plaintext, byte[] associatedData) {
        byte[] iv = new byte[AeadCiphertext.IV_LENGTH];
        ivs.nextBytes(iv);
        byte[] ciphertextAndTag = withKey("encrypting with key material " + id, id, (session, handle) -> {
            if (plaintext.length > 0) {
                return session.encryptSingle(gcm(iv, associatedData), handle, plaintext);
            }
            // C_Encrypt refuses empty input in SoftHSM2 (CKR_ARGUMENTS_BAD); C_EncryptFinal alone yields the tag.
            session.encryptInit(gcm(iv, associatedData), handle);
            return session.encryptFinal();
        });
        return new AeadCiphertext(iv, ciphertextAndTag);
    }

    @Override
    public byte[] decrypt(MaterialId id, AeadCiphertext ciphertext, byte[] associatedData) {
        byte[] iv = ciphertext.iv();
        byte[] body = ciphertext.ciphertextAndTag();
        if (iv == null || iv.length != AeadCiphertext.IV_LENGTH || body == null
                || body.length < AeadCiphertext.TAG_LENGTH) {
            throw new KmsException(ErrorCode.INVALID_CIPHERTEXT, "ciphertext is malformed");
        }
        return withKey("decrypting with key material " + id, id, (session, handle) -> {
            try {
                return session.decryptSingle(gcm(iv, associatedData), handle, body);
            } catch (TokenException e) {
                if (Pkcs11Errors.isBadCiphertext(e) || Pkcs11Errors.is(e, CKR_GENERAL_ERROR)) {
                    // SoftHSM2 reports a failed GCM tag check as CKR_GENERAL_ERROR (and resets the operation).
                    throw new KmsException(ErrorCode.INVALID_CIPHERTEXT, "ciphertext failed authentication");
                }
                throw e;
            }
        });
    }

    @Override
    public byte[] mac(MaterialId id, MacAlgorithm algorithm, byte[] data) {
        return withKey("computing a MAC with key material " + id, id, (session, handle) -> {
            if (data.length > 0) {
                return session.signSingle(hmac(algorithm), handle, data);
            }
            // Like C_Encrypt, C_Sign refuses empty input in SoftHSM2; C_SignFinal alone MACs the empty message.
            session.signInit(hmac(algorithm), handle);
            return session.signFinal();
        });
    }

    /** The token compares the MAC (C_Verify), so the expected value never leaves it. */
    @Override
    public boolean verifyMac(MaterialId id, MacAlgorithm algorithm, byte[] data, byte[] mac) {
        return withKey("verifying a MAC with key material " + id, id, (session, handle) -> {
            session.verifyInit(hmac(algorithm), handle);
            try {
                // An empty MAC would reach SoftHSM2 as a null pointer (CKR_ARGUMENTS_BAD, operation left active);
                // a one-byte one is refused as CKR_SIGNATURE_LEN_RANGE and ends the operation.
                byte[] candidate = mac == null || mac.length == 0 ? new byte[1] : mac;
                if (data.length > 0) {
                    session.verify(data, candidate);
                } else {
                    session.verifyFinal(candidate); // C_Verify refuses empty input as C_Sign does
                }
                return candidate == mac;
            } catch (TokenException e) {
                if (Pkcs11Errors.isBadSignature(e)) {
                    return false;
                }
                throw e;
            }
        });
    }

    @Override
    public byte[] generateRandom(int length) {
        if (length < 0 || length > MAX_RANDOM_BYTES) {
            throw KmsException.validation("length", "must be between 0 and " + MAX_RANDOM_BYTES);
        }
        if (length == 0) {
            return new byte[0];
        }
        return withSession("generating random bytes", session -> session.generateRandom(length));
    }

    @Override
    public void destroyKey(MaterialId id) {
        objectLifecycle.lock();
        try {
            destroyUnlocked(id);
        } finally {
            objectLifecycle.unlock();
        }
    }

    private void destroyUnlocked(MaterialId id) {
        withSession("destroying key material " + id, session -> {
            handles.remove(id);
            for (long handle : session.findObjectsSingle(KeyTemplates.secretKeyWithId(id), MAX_IDS_PER_MATERIAL)) {
                try {
                    session.destroyObject(handle);
                } catch (TokenException e) {
                    // Another caller destroyed it first: the outcome is the one asked for.
                    if (!Pkcs11Errors.isStaleHandle(e)) {
                        throw e;
                    }
                }
            }
            return null;
        });
    }

    @Override
    public List<TokenObject> listKeys() {
        List<TokenObject> keys = new ArrayList<>();
        forEachSecretKey("listing keys", (handle, id, label) -> keys.add(new TokenObject(id, label)));
        return keys;
    }

    @Override
    public List<TokenObject> incompleteObjects() {
        List<TokenObject> incomplete = new ArrayList<>();
        forEachIncompleteObject("listing half-written objects", (session, handle, object) -> incomplete.add(object));
        return incomplete;
    }

    @Override
    public int destroyIncompleteObjects() {
        objectLifecycle.lock();
        try {
            int[] destroyed = {0};
            forEachIncompleteObject("destroying half-written objects", (session, handle, object) -> {
                try {
                    session.destroyObject(handle);
                    destroyed[0]++;
                } catch (TokenException e) {
                    if (!Pkcs11Errors.isStaleHandle(e)) {
                        throw e;
                    }
                }
            });
            return destroyed[0];
        } finally {
            objectLifecycle.unlock();
        }
    }

    /**
     * Fills the handle cache in one pass over the token: on SoftHSM2 a search by CKA_ID costs time linear in
     * the object count, so one walk at start is cheaper than a search on the first use of each key.
     */
    private void preloadHandles() {
        forEachSecretKey("loading key handles", (handle, id, label) -> {
            if (id != null) {
                handles.putIfAbsent(id, handle);
            }
        });
    }

    private interface SecretKeyVisitor {
        void visit(long handle, MaterialId id, String label);
    }

    private interface IncompleteObjectVisitor {
        void visit(Session session, long handle, TokenObject object) throws TokenException;
    }

    /** Visits every complete secret key object with its CKA_ID (null unless a material id) and CKA_LABEL. */
    private void forEachSecretKey(String action, SecretKeyVisitor visitor) {
        withSession(action, session -> {
            for (long handle : session.findAllObjectsSingle(KeyTemplates.allSecretKeys())) {
                KeyAttributes key = keyAttributes(session, handle);
                if (key != null && !key.halfWritten()) {
                    visitor.visit(handle, key.id(), key.label());
                }
            }
            return null;
        });
    }

    /**
     * Visits every object a process killed while the token wrote it left behind: SoftHSM2 rewrites an object's
     * file as C_GenerateKey fills it in, so a SIGKILL leaves a prefix of the file. Depending on where it was cut,
     * not even CKA_CLASS can be read, or a secret key's attributes cannot, or a secret key holds the defaults and
     * no key (CKA_VALUE_LEN 0). None of them carries material.
     */
    private void forEachIncompleteObject(String action, IncompleteObjectVisitor visitor) {
        withSession(action, session -> {
            Set<Long> unreadable = new HashSet<>();
            for (long handle : session.findAllObjectsSingle(new AttributeVector())) {
                try {
                    session.getAttrValues(handle, CKA_CLASS);
                } catch (TokenException e) {
                    if (Pkcs11Errors.is(e, CKR_ATTRIBUTE_VALUE_INVALID)) {
                        unreadable.add(handle);
                        visitor.visit(session, handle, new TokenObject(null, null));
                    } else if (!Pkcs11Errors.isStaleHandle(e)) {
                        throw e;
                    }
                }
            }
            // SoftHSM2 still matches some of the unreadable ones by class: each object is visited once.
            for (long handle : session.findAllObjectsSingle(KeyTemplates.allSecretKeys())) {
                if (unreadable.contains(handle)) {
                    continue;
                }
                KeyAttributes key = keyAttributes(session, handle);
                if (key != null && key.halfWritten()) {
                    visitor.visit(session, handle, new TokenObject(key.id(), key.label()));
                }
            }
            return null;
        });
    }

    /** What identifies a secret key object, and whether it is half-written (see forEachIncompleteObject). */
    private record KeyAttributes(MaterialId id, String label, boolean halfWritten) {
    }

    /** The secret key's attributes, or null when it was destroyed since the search. */
    private static KeyAttributes keyAttributes(Session session, long handle) throws TokenException {
        AttributeVector attributes;
        try {
            attributes = session.getAttrValues(handle, CKA_ID, CKA_LABEL, CKA_VALUE_LEN);
        } catch (TokenException e) {
            if (Pkcs11Errors.isStaleHandle(e)) {
                return null;
            }
            if (Pkcs11Errors.is(e, CKR_ATTRIBUTE_VALUE_INVALID)) {
                return new KeyAttributes(null, null, true); // its file was cut inside these attributes
            }
            throw e;
        }
        byte[] ckaId = attributes.id();
        MaterialId id = ckaId != null && ckaId.length == MaterialId.LENGTH ? MaterialId.fromBytes(ckaId) : null;
        return new KeyAttributes(id, attributes.label(), KeyTemplates.isHalfWritten(attributes));
    }

    @Override
    public HsmStatus status() {
        return withSession("reading HSM status", session -> {
            ModuleInfo moduleInfo = module.getInfo();
            TokenInfo tokenInfo = token.getTokenInfo();
            List<String> mechanisms = new ArrayList<>();
            for (long code : token.getMechanismList()) {
                mechanisms.add(module.codeToName(Category.CKM, code));
            }
            int objectCount = session.findAllObjectsSingle(new AttributeVector()).length;
            String description = moduleInfo.getManufacturerID().trim() + " " + moduleInfo.getLibraryDescription().trim()
                    + " " + moduleInfo.getLibraryVersion();
            return new HsmStatus(config.libraryPath(), description, tokenInfo.getLabel().trim(),
                    tokenInfo.getSerialNumber().trim(), tokenInfo.getModel().trim(), List.copyOf(mechanisms),
                    objectCount);
        });
    }

    /**
     * Closes the sessions (the token logs the user out when the process has none left) and releases the
     * library, finalizing it when no other instance uses it. Call it after in-flight calls have returned.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            sessions.close();
            handles.clear();
            Pkcs11Modules.release(module);
        }
    }

    /** The session pool's use, live, for metrics. */
    public SessionPoolStats sessionPoolStats() {
        return sessions;
    }

    /** The pool, so tests can break a session underneath the adapter. */
    SessionPool sessions() {
        return sessions;
    }

    @Override
    public String toString() {
        return "Pkcs11Hsm[" + config.libraryPath() + ", token " + config.tokenDescription() + "]";
    }

    private static Mechanism gcm(byte[] iv, byte[] associatedData) {
        return new Mechanism(CKM_AES_GCM, new GCM_PARAMS(iv, associatedData == null ? new byte[0] : associatedData,
                TAG_BITS));
    }

    /** A new instance per call: the wrapper binds a Mechanism to the module it is used with. */
    private static Mechanism hmac(MacAlgorithm algorithm) {
        return new Mechanism(switch (algorithm) {
            case HMAC_SHA_224 -> CKM_SHA224_HMAC;
            case HMAC_SHA_256 -> CKM_SHA256_HMAC;
            case HMAC_SHA_384 -> CKM_SHA384_HMAC;
            case HMAC_SHA_512 -> CKM_SHA512_HMAC;
        });
    }

    @FunctionalInterface
    private interface SessionCall<T> {
        T call(Session session) throws TokenException;
    }

    @FunctionalInterface
    private interface KeyCall<T> {
        T call(Session session, long handle) throws TokenException;
    }

    /**
     * Runs {@code call} on a borrowed session. A session the token no longer knows is replaced and the call
     * retried once; after any other device error the session is replaced too, because some libraries
     * (SoftHSM2 on CKR_ARGUMENTS_BAD) leave the operation active and the session would stay unusable.
     */
    private <T> T withSession(String action, SessionCall<T> call) {
        Session session = sessions.borrow();
        try {
            try {
                return call.call(session);
            } catch (TokenException e) {
                session = sessions.replace(session);
                if (!Pkcs11Errors.isSessionGone(e)) {
                    throw e;
                }
                return call.call(session);
            }
        } catch (TokenException e) {
            throw Pkcs11Errors.translate(action, e);
        } finally {
            sessions.giveBack(session);
        }
    }

    /** Runs {@code call} with the key's handle; a stale cached handle is evicted, resolved again and retried once. */
    private <T> T withKey(String action, MaterialId id, KeyCall<T> call) {
        return withSession(action, session -> {
            long handle = handle(session, id);
            try {
                return call.call(session, handle);
            } catch (TokenException e) {
                if (!Pkcs11Errors.isStaleHandle(e)) {
                    throw e;
                }
                handles.remove(id, handle);
                return call.call(session, handle(session, id));
            }
        });
    }

    private long handle(Session session, MaterialId id) throws TokenException {
        Long cached = handles.get(id);
        if (cached != null) {
            return cached;
        }
        long[] found = session.findObjectsSingle(KeyTemplates.secretKeyWithId(id), MAX_IDS_PER_MATERIAL);
        if (found.length > 1) {
            found = Arrays.stream(found).filter(h -> !halfWritten(session, h)).toArray();
        }
        if (found.length == 0) {
            throw new KmsException(ErrorCode.KEY_UNAVAILABLE, "key material " + id + " is not available in the HSM");
        }
        if (found.length > 1) {
            throw new KmsException(ErrorCode.INTERNAL, "several token objects carry key material id " + id);
        }
        handles.put(id, found[0]);
        return found[0];
    }

    /** True for a half-written copy (see {@link #forEachIncompleteObject}), which must never serve as the key. */
    private static boolean halfWritten(Session session, long handle) {
        try {
            KeyAttributes key = keyAttributes(session, handle);
            return key == null || key.halfWritten();
        } catch (TokenException e) {
            return true;
        }
    }
}
