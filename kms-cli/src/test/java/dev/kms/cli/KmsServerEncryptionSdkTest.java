package dev.kms.cli;

import com.amazonaws.encryptionsdk.AwsCrypto;
import com.amazonaws.encryptionsdk.CommitmentPolicy;
import com.amazonaws.encryptionsdk.CryptoResult;
import com.fasterxml.jackson.databind.JsonNode;
import dev.kms.server.BootstrapAdministrator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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
 * Issue 4's proof with the AWS Encryption SDK for Java 3.x on the real wiring: its KMS keyring (Material
 * Providers Library) over an AWS SDK v2 KmsClient pointed at {@code kms server} on SoftHSM2, SQLite and the audit
 * trail. The keyring calls GenerateDataKey on encrypt and Decrypt with the key ARN and the message's encryption
 * context on decrypt, so the server's key policy and context binding decide. The IAM user bob may do every kms
 * action by his identity policy; only key policies that name him let him use their keys.
 */
class KmsServerEncryptionSdkTest extends ServedHomeTestBase {
    static final Map<String, String> CONTEXT = Map.of("purpose", "interop", "tenant", "tenant-a");
    static final byte[] PLAINTEXT = "a message for the encryption sdk".getBytes(StandardCharsets.UTF_8);

    static KmsClient bob;

    final MaterialProviders materialProviders = MaterialProviders.builder()
            .MaterialProvidersConfig(MaterialProvidersConfig.builder().build()).build();
    final AwsCrypto crypto = AwsCrypto.builder()
            .withCommitmentPolicy(CommitmentPolicy.RequireEncryptRequireDecrypt).build();

    @BeforeAll
    static void serveWithBob() throws Exception {
        serve("bob");
        bob = server.client(server.user("bob"));
    }

    /** The keyring needs the key ARN: it matches the ARN GenerateDataKey returns against the messages it decrypts. */
    IKeyring keyring(KmsClient kms, String keyArn) {
        return materialProviders.CreateAwsKmsKeyring(CreateAwsKmsKeyringInput.builder()
                .kmsKeyId(keyArn).kmsClient(kms).build());
    }

    static String createKey(String policy) {
        return admin.createKey(r -> {
            r.description("encryption sdk");
            if (policy != null) {
                r.policy(policy);
            }
        }).keyMetadata().arn();
    }

    /** The administrator may do everything; {@code bobMay} lists what bob may do (none: the policy omits him). */
    static String keyPolicy(String... bobMay) {
        String administrator = """
                {"Sid":"admin","Effect":"Allow","Principal":{"AWS":"%s"},"Action":"kms:*","Resource":"*"}"""
                .formatted(ServedHome.userArn(BootstrapAdministrator.USER));
        String bob = bobMay.length == 0 ? "" : """
                ,{"Sid":"bob","Effect":"Allow","Principal":{"AWS":"%s"},"Action":["%s"],"Resource":"*"}"""
                .formatted(ServedHome.userArn("bob"), String.join("\",\"", bobMay));
        return "{\"Version\":\"2012-10-17\",\"Statement\":[" + administrator + bob + "]}";
    }

    @Test
    void encryptDecrypt_withEncryptionContext_roundTrips() {
        String keyArn = createKey(null);
        IKeyring keyring = keyring(admin, keyArn);

        CryptoResult<byte[], ?> encrypted = crypto.encryptData(keyring, PLAINTEXT, CONTEXT);
        assertFalse(Arrays.equals(PLAINTEXT, encrypted.getResult()));
        CryptoResult<byte[], ?> decrypted = crypto.decryptData(keyring, encrypted.getResult(), CONTEXT);

        assertArrayEquals(PLAINTEXT, decrypted.getResult());
        CONTEXT.forEach((k, v) -> assertEquals(v, decrypted.getEncryptionContext().get(k), k));
    }

    @Test
    void decrypt_withAnotherReproducedContext_fails() {
        String keyArn = createKey(null);
        IKeyring keyring = keyring(admin, keyArn);
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
        IKeyring keyring = keyring(admin, keyArn);
        byte[] message = crypto.encryptData(keyring, PLAINTEXT, CONTEXT).getResult();
        byte[] altered = EnvelopeCommandsTest.replaceOnce(message, "tenant-a", "tenant-b");

        RuntimeException e = assertThrows(RuntimeException.class, () -> crypto.decryptData(keyring, altered));

        assertTrue(hasKmsError(e, "InvalidCiphertextException"), () -> describe(e));
    }

    @Test
    void decrypt_aPrincipalTheKeyPolicyDoesNotAllow_isAccessDenied_andAudited() {
        String keyArn = createKey(keyPolicy());
        byte[] message = crypto.encryptData(keyring(admin, keyArn), PLAINTEXT, CONTEXT).getResult();

        RuntimeException e = assertThrows(RuntimeException.class,
                () -> crypto.decryptData(keyring(bob, keyArn), message, CONTEXT));

        assertTrue(hasKmsError(e, "AccessDeniedException"), () -> describe(e));
        JsonNode refused = server.auditEvents("ResourceName", keyArn, "EventName", "Decrypt").get(0);
        assertEquals("AccessDeniedException", refused.get("errorCode").asText());
        assertEquals(ServedHome.userArn("bob"), refused.at("/userIdentity/arn").asText());
        assertEquals("tenant-a", refused.at("/requestParameters/encryptionContext/tenant").asText());
    }

    /** The control for the refusal above: the same principal, named by the key policy, encrypts and decrypts. */
    @Test
    void encryptDecrypt_aPrincipalTheKeyPolicyNames_roundTrips() {
        String keyArn = createKey(keyPolicy("kms:GenerateDataKey", "kms:Decrypt"));
        IKeyring keyring = keyring(bob, keyArn);
        byte[] message = crypto.encryptData(keyring, PLAINTEXT, CONTEXT).getResult();
        assertArrayEquals(PLAINTEXT, crypto.decryptData(keyring, message, CONTEXT).getResult());
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
