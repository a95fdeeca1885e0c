package dev.kms.wire;

import dev.kms.core.error.KmsException;
import dev.kms.core.identity.Principal;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The client-side signer: the same signature as the AWS SDK v2 signer, and accepted by the verifier. */
class SigV4SignerTest {
    static final URI ENDPOINT = URI.create("http://127.0.0.1:4566/");
    static final Map<String, String> HEADERS = Map.of("Content-Type", "application/x-amz-json-1.1",
            "X-Amz-Target", "TrentService.DescribeKey");

    static Map<String, String> sign(String secret, String sessionToken) {
        return sign(HEADERS, secret, sessionToken);
    }

    static Map<String, String> sign(Map<String, String> headers, String secret, String sessionToken) {
        return new SigV4Signer("us-east-1").sign("POST", ENDPOINT, headers, SigV4VerifierTest.BODY,
                SigV4VerifierTest.KEY, secret.toCharArray(), sessionToken, SigV4VerifierTest.NOW);
    }

    /** The SDK's signer signs x-amz-content-sha256 too; given the same headers, the signatures must agree. */
    static Map<String, String> sdkHeaders() {
        Map<String, String> headers = new HashMap<>(HEADERS);
        headers.put("x-amz-content-sha256", SigV4Verifier.hex(SigV4Verifier.sha256(SigV4VerifierTest.BODY)));
        return headers;
    }

    static Map<String, List<String>> multi(Map<String, String> headers) {
        Map<String, List<String>> out = new HashMap<>();
        headers.forEach((name, value) -> out.put(name, List.of(value)));
        return out;
    }

    @Test
    void sign_sameRequestAsTheSdk_givesTheSdksAuthorization() {
        Map<String, List<String>> sdk = SigV4VerifierTest.sdkSigned(SigV4VerifierTest.NOW, SigV4VerifierTest.BODY);
        assertEquals(sdk.get("Authorization"), List.of(sign(sdkHeaders(), SigV4VerifierTest.SECRET, null)
                .get("Authorization")));
    }

    @Test
    void sign_withSessionToken_givesTheSdksAuthorization() {
        Map<String, List<String>> sdk = SigV4VerifierTest.sdkSigned(SigV4VerifierTest.KEY, SigV4VerifierTest.SECRET,
                "us-east-1", "kms", SigV4VerifierTest.NOW, SigV4VerifierTest.BODY, false,
                Map.of("X-Amz-Security-Token", "token-1"));
        Map<String, String> ours = sign(sdkHeaders(), SigV4VerifierTest.SECRET, "token-1");
        assertEquals("token-1", ours.get("X-Amz-Security-Token"));
        assertEquals(sdk.get("Authorization"), List.of(ours.get("Authorization")));
    }

    @Test
    void sign_thenVerify_returnsThePrincipal() {
        Principal root = Principal.root("aws", "111122223333");
        SigV4Verifier verifier = new SigV4Verifier("us-east-1", Clock.fixed(SigV4VerifierTest.NOW, ZoneOffset.UTC),
                new MapCredentials().add(SigV4VerifierTest.KEY, SigV4VerifierTest.SECRET, root));
        assertEquals(root, verifier.verify(new SigV4Verifier.SignedRequest("POST", "/", null,
                multi(sign(SigV4VerifierTest.SECRET, null)), SigV4VerifierTest.BODY)));
    }

    @Test
    void sign_wrongSecret_isRefusedByTheVerifier() {
        Principal root = Principal.root("aws", "111122223333");
        SigV4Verifier verifier = new SigV4Verifier("us-east-1", Clock.fixed(SigV4VerifierTest.NOW, ZoneOffset.UTC),
                new MapCredentials().add(SigV4VerifierTest.KEY, SigV4VerifierTest.SECRET, root));
        KmsException error = assertThrows(KmsException.class, () -> verifier.verify(new SigV4Verifier.SignedRequest("POST",
                "/", null, multi(sign("not-the-secret", null)), SigV4VerifierTest.BODY)));
        assertEquals("InvalidSignatureException", error.code().awsName());
    }

    @Test
    void host_defaultPortLeftOut_otherPortKept() {
        assertEquals("kms.example", SigV4Signer.host(URI.create("https://kms.example:443/")));
        assertEquals("kms.example", SigV4Signer.host(URI.create("http://kms.example/")));
        assertEquals("127.0.0.1:4599", SigV4Signer.host(URI.create("http://127.0.0.1:4599")));
        assertEquals("[::1]:4599", SigV4Signer.host(URI.create("http://[::1]:4599/")));
    }

    @Test
    void sign_secretIsLeftIntact() {
        char[] secret = SigV4VerifierTest.SECRET.toCharArray();
        new SigV4Signer("us-east-1").sign("POST", ENDPOINT, HEADERS, "{}".getBytes(StandardCharsets.UTF_8),
                SigV4VerifierTest.KEY, secret, null, SigV4VerifierTest.NOW);
        assertEquals(SigV4VerifierTest.SECRET, new String(secret));
    }
}
