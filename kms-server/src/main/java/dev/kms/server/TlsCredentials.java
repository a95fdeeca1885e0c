package dev.kms.server;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.CharBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Enumeration;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's TLS certificate and private key, loaded once into an {@link SSLContext}: from PEM files (a
 * certificate chain and an unencrypted PKCS#8 key) or a PKCS#12 keystore. Passwords stay {@code char[]}; the
 * transient copies made here are cleared, and nothing here prints key material.
 */
public final class TlsCredentials {
    private static final Pattern PEM_KEY = Pattern.compile(
            "-----BEGIN ([A-Z ]*)PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END \\1PRIVATE KEY-----");
    private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "Ed25519", "Ed448"};

    private final SSLContext context;
    private final String source;

    private TlsCredentials(SSLContext context, String source) {
        this.context = context;
        this.source = source;
    }

    /** A PEM certificate chain (the server's first) and its PEM PKCS#8 private key ({@code BEGIN PRIVATE KEY}). */
    public static TlsCredentials fromPem(Path certificateChain, Path privateKey) {
        Objects.requireNonNull(certificateChain, "certificateChain");
        Objects.requireNonNull(privateKey, "privateKey");
        Certificate[] chain = certificates(certificateChain);
        PrivateKey key = privateKey(privateKey);
        if (!belongTogether(key, chain[0])) {
            throw new IllegalArgumentException("the private key " + privateKey + " does not belong to the certificate "
                    + certificateChain);
        }
        char[] transientPassword = new char[0];
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", key, transientPassword, chain);
            return new TlsCredentials(context(store, transientPassword), certificateChain + " and " + privateKey);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use the certificate " + certificateChain + " with the key "
                    + privateKey + ": " + e.getMessage(), e);
        }
    }

    /**
     * A PKCS#12 keystore holding one private key entry with its chain, under one password for store and key.
     * The caller keeps and clears {@code password}.
     */
    public static TlsCredentials fromPkcs12(Path keystore, char[] password) {
        Objects.requireNonNull(keystore, "keystore");
        Objects.requireNonNull(password, "password");
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            int keys = 0;
            for (Enumeration<String> aliases = store.aliases(); aliases.hasMoreElements(); ) {
                if (store.isKeyEntry(aliases.nextElement())) {
                    keys++;
                }
            }
            if (keys != 1) {
                throw new IllegalArgumentException("the PKCS#12 keystore " + keystore
                        + " must hold exactly one private key with its certificate chain; it holds " + keys);
            }
            return new TlsCredentials(context(store, password), keystore.toString());
        } catch (IOException e) {
            // A wrong password surfaces here too (the integrity check fails).
            throw new IllegalArgumentException("cannot read the PKCS#12 keystore " + keystore + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use the PKCS#12 keystore " + keystore + ": " + e.getMessage(), e);
        }
    }

    SSLContext sslContext() {
        return context;
    }

    /** Where the certificate came from, for messages; never any material. */
    @Override
    public String toString() {
        return "TlsCredentials[" + source + "]";
    }

    private static SSLContext context(KeyStore store, char[] password) throws GeneralSecurityException {
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), null, null);
        return context;
    }

    /** A signature by the key that the certificate's public key verifies: the key is the certificate's. */
    private static boolean belongTogether(PrivateKey key, Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm(); // Ed25519, Ed448
        };
        if (!certificate.getPublicKey().getAlgorithm().equals(key.getAlgorithm())) {
            return false;
        }
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static Certificate[] certificates(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("no certificate in " + file);
            }
            return certificates.toArray(Certificate[]::new);
        } catch (IOException | CertificateException e) {
            throw new IllegalArgumentException("cannot read the certificate chain " + file + ": " + e.getMessage(), e);
        }
    }

    private static PrivateKey privateKey(Path file) {
        byte[] der = null;
        byte[] pem = null;
        byte[] base64 = null;
        char[] text = null;
        try {
            pem = Files.readAllBytes(file);
            // Matched over a char[] that is cleared afterwards, not a String that would outlive the key.
            text = new char[pem.length];
            for (int i = 0; i < pem.length; i++) {
                text[i] = (char) (pem[i] & 0xff);
            }
            Matcher m = PEM_KEY.matcher(CharBuffer.wrap(text));
            if (!m.find()) {
                throw new IllegalArgumentException("no PEM private key in " + file);
            }
            if (!m.group(1).isEmpty()) {
                throw new IllegalArgumentException("the key in " + file + " is " + m.group(1).strip()
                        + " PRIVATE KEY; an unencrypted PKCS#8 key (BEGIN PRIVATE KEY) is needed: "
                        + "openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8");
            }
            base64 = Arrays.copyOfRange(pem, m.start(2), m.end(2));
            der = Base64.getMimeDecoder().decode(base64);
            for (String algorithm : KEY_ALGORITHMS) {
                try {
                    return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                } catch (InvalidKeySpecException wrongAlgorithm) {
                    // try the next
                }
            }
            throw new IllegalArgumentException("the key in " + file + " is not an RSA, EC or EdDSA PKCS#8 key");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the private key " + file + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use the private key " + file + ": " + e.getMessage(), e);
        } finally {
            if (der != null) {
                Arrays.fill(der, (byte) 0);
            }
            for (byte[] bytes : new byte[][] {pem, base64}) {
                if (bytes != null) {
                    Arrays.fill(bytes, (byte) 0);
                }
            }
            if (text != null) {
                Arrays.fill(text, '\0');
            }
        }
    }
}
