package dev.kms.server;

import com.amazonaws.encryptionsdk.AwsCrypto;
import com.amazonaws.encryptionsdk.CommitmentPolicy;
import com.amazonaws.encryptionsdk.CryptoResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.cryptography.materialproviders.IKeyring;
import software.amazon.cryptography.materialproviders.MaterialProviders;
import software.amazon.cryptography.materialproviders.model.AwsCryptographicMaterialProvidersException;
import software.amazon.cryptography.materialproviders.model.CollectionOfErrors;
import software.amazon.cryptography.materialproviders.model.CreateAwsKmsKeyringInput;
import software.amazon.cryptography.materialproviders.model.MaterialProvidersConfig;
import software.amazon.cryptography.materialproviders.model.OpaqueError;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The AWS Encryption SDK for Java 3.x, unchanged: its KMS keyring (Material Providers Library) with an AWS SDK v2
 * KmsClient pointed at the server. The keyring calls GenerateDataKey on encrypt and Decrypt with the key ARN and
 * the message's encryption context on decrypt, so the server's key policy and context binding decide.
 */
class EncryptionSdkInteropTest {
    static final Map<String, String> CONTEXT = Map.of("purpose", "interop", "tenant", "tenant-a");
    static final byte[] PLAINTEXT = "a message for the encryption sdk".getBytes(StandardCharsets.UTF_8);

    final MaterialProviders materialProviders = MaterialProviders.builder()
            .MaterialProvidersConfig(MaterialProvidersConfig.builder().build()).build();
    final AwsCrypto crypto = AwsCrypto.builder()
            .withCommitmentPolicy(CommitmentPolicy.RequireEncryptRequireDecrypt).build();
    ServerFixture fixture;
    KmsClient root;

    @BeforeEach
    void setUp() {
        fixture = new ServerFixture();
        root = client(ServerFixture.ROOT_KEY, ServerFixture.ROOT_SECRET);
    }

    @AfterEach
    void tearDown() {
        root.close();
        fixture.close();
    }

    KmsClient client(String accessKeyId, String secret) {
        return KmsClient.builder()
                .endpointOverride(fixture.server.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secret)))
                .build();
    }

    /** The keyring needs the key ARN: it matches the ARN GenerateDataKey returns against the messages it decrypts. */
    IKeyring keyring(KmsClient kms, String keyArn) {
        return materialProviders.CreateAwsKmsKeyring(CreateAwsKmsKeyringInput.builder()
                .kmsKeyId(keyArn).kmsClient(kms).build());
    }

    String createKey(String policy) {
        return root.createKey(r -> {
            r.description("encryption sdk interop");
            if (policy != null) {
                r.policy(policy);
            }
        }).keyMetadata().arn();
    }

    /** The account (root, delegating to IAM) may do everything; alice may use the key for the Encryption SDK. */
    static String policyAllowingAlice() {
        return """
                {"Version":"2012-10-17","Statement":[
                  {"Sid":"account","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%1$s:root"},
                   "Action":"kms:*","Resource":"*"},
                  {"Sid":"alice","Effect":"Allow","Principal":{"AWS":"%2$s"},
                   "Action":["kms:GenerateDataKey","kms:Decrypt"],"Resource":"*"}]}
                """.formatted(ServerFixture.ACCOUNT, ServerFixture.USER_ARN);
    }

    @Test
    void encryptDecrypt_withEncryptionContext_roundTrips() {
        String keyArn = createKey(null);
        IKeyring keyring = keyring(root, keyArn);

        CryptoResult<byte[], ?> encrypted = crypto.encryptData(keyring, PLAINTEXT, CONTEXT);
        assertFalse(Arrays.equals(PLAINTEXT, encrypted.getResult()));
        CryptoResult<byte[], ?> decrypted = crypto.decryptData(keyring, encrypted.getResult(), CONTEXT);

        assertArrayEquals(PLAINTEXT, decrypted.getResult());
        CONTEXT.forEach((k, v) -> assertEquals(v, decrypted.getEncryptionContext().get(k), k));
    }

    @Test
    void decrypt_withAnotherReproducedContext_fails() {
        String keyArn = createKey(null);
        IKeyring keyring = keyring(root, keyArn);
        byte[] message = crypto.encryptData(keyring, PLAINTEXT, CONTEXT).getResult();

        // The materials manager compares the reproduced context with the message's before it asks the server.
        AwsCryptographicMaterialProvidersException e = assertThrows(AwsCryptographicMaterialProvidersException.class,
                () -> crypto.decryptData(keyring, message, Map.of("purpose", "interop", "tenant", "tenant-b")));
        assertTrue(e.getMessage().contains("does not match"), e.getMessage());
    }

    /**
     * The data key is unwrapped before the message header is authenticated, so a context altered in the stored
     * message reaches the server, which refuses the data key's ciphertext: the context is bound to it.
     */
    @Test
    void decrypt_contextAlteredInTheMessage_isInvalidCiphertextFromTheServer() {
        String keyArn = createKey(null);
        IKeyring keyring = keyring(root, keyArn);
        byte[] message = crypto.encryptData(keyring, PLAINTEXT, CONTEXT).getResult();
        byte[] altered = replaceOnce(message, "tenant-a", "tenant-b");

        RuntimeException e = assertThrows(RuntimeException.class, () -> crypto.decryptData(keyring, altered));

        assertTrue(hasKmsError(e, "InvalidCiphertextException"), () -> describe(e));
    }

    @Test
    void decrypt_principalTheKeyPolicyDoesNotAllow_isAccessDenied() {
        String keyArn = createKey(null); // the default policy: alice would need an identity policy, she has none
        byte[] message = crypto.encryptData(keyring(root, keyArn), PLAINTEXT, CONTEXT).getResult();

        try (KmsClient alice = client(ServerFixture.USER_KEY, ServerFixture.USER_SECRET)) {
            RuntimeException e = assertThrows(RuntimeException.class,
                    () -> crypto.decryptData(keyring(alice, keyArn), message, CONTEXT));
            assertTrue(hasKmsError(e, "AccessDeniedException"), () -> describe(e));
        }
    }

    /** The control for the refusal above: the same principal, named by the key policy, decrypts. */
    @Test
    void encryptDecrypt_principalTheKeyPolicyNames_roundTrips() {
        String keyArn = createKey(policyAllowingAlice());
        try (KmsClient alice = client(ServerFixture.USER_KEY, ServerFixture.USER_SECRET)) {
            IKeyring keyring = keyring(alice, keyArn);
            byte[] message = crypto.encryptData(keyring, PLAINTEXT, CONTEXT).getResult();
            assertArrayEquals(PLAINTEXT, crypto.decryptData(keyring, message, CONTEXT).getResult());
        }
    }

    static byte[] replaceOnce(byte[] data, String from, String to) {
        byte[] f = from.getBytes(StandardCharsets.UTF_8);
        byte[] t = to.getBytes(StandardCharsets.UTF_8);
        assertEquals(f.length, t.length);
        for (int i = 0; i + f.length <= data.length; i++) {
            if (Arrays.equals(data, i, i + f.length, f, 0, f.length)) {
                byte[] copy = data.clone();
                System.arraycopy(t, 0, copy, i, t.length);
                return copy;
            }
        }
        throw new AssertionError(from + " is not in the message");
    }

    /**
     * Whether the server's error reached the caller: the Material Providers Library collects the KMS client's
     * exceptions (CollectionOfErrors, OpaqueError) under its own, so every branch is searched.
     */
    static boolean hasKmsError(Throwable thrown, String awsErrorCode) {
        Deque<Throwable> todo = new ArrayDeque<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        todo.add(thrown);
        while (!todo.isEmpty()) {
            Throwable t = todo.poll();
            if (!seen.add(t)) {
                continue;
            }
            // Typed errors (InvalidCiphertextException) come back rebuilt without their error details.
            if (t instanceof KmsException kms && (awsErrorCode.equals(kms.getClass().getSimpleName())
                    || kms.awsErrorDetails() != null && awsErrorCode.equals(kms.awsErrorDetails().errorCode()))) {
                return true;
            }
            if (t instanceof CollectionOfErrors collection && collection.list() != null) {
                todo.addAll(collection.list());
            }
            if (t instanceof OpaqueError opaque && opaque.obj() instanceof Throwable inner) {
                todo.add(inner);
            }
            if (t.getCause() != null) {
                todo.add(t.getCause());
            }
            todo.addAll(Arrays.asList(t.getSuppressed()));
        }
        return false;
    }

    static String describe(Throwable t) {
        StringBuilder out = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            out.append(c.getClass().getName()).append(": ").append(c.getMessage()).append('\n');
            if (c instanceof CollectionOfErrors collection && collection.list() != null) {
                collection.list().forEach(x -> out.append("  - ").append(x.getClass().getName()).append(": ")
                        .append(x.getMessage()).append('\n'));
            }
        }
        return out.toString();
    }
}
