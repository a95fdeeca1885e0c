package dev.kms.wire;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.identity.Principal;
import dev.kms.wire.SigV4Verifier.SignedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SigV4 verification against the published AWS test-suite values and against the AWS SDK v2 signer. */
class SigV4VerifierTest {
    // The AWS SigV4 test suite's credentials, date, region and service.
    static final String SUITE_KEY = "AKIDEXAMPLE";
    static final String SUITE_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    static final Instant SUITE_TIME = Instant.parse("2015-08-30T12:36:00Z");
    static final String SUITE_AUTH = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            + "SignedHeaders=host;x-amz-date, Signature=";

    static final String KEY = "AKIAIOSFODNN7EXAMPLE";
    static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    static final Instant NOW = Instant.parse("2025-03-04T05:06:07Z");
    static final Principal ROOT = Principal.root("aws", "111122223333");
    static final byte[] BODY = "{\"KeyId\":\"alias/a\"}".getBytes(StandardCharsets.UTF_8);

    final MapCredentials credentials = new MapCredentials().add(SUITE_KEY, SUITE_SECRET, ROOT).add(KEY, SECRET, ROOT);

    SigV4Verifier suiteVerifier() {
        return new SigV4Verifier("us-east-1", "service", Clock.fixed(SUITE_TIME, ZoneOffset.UTC), credentials, 16);
    }

    SigV4Verifier kmsVerifier() {
        return new SigV4Verifier("us-east-1", Clock.fixed(NOW, ZoneOffset.UTC), credentials);
    }

    static SignedRequest suiteRequest(String method, String path, String query, String signature) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Host", List.of("example.amazonaws.com"));
        headers.put("X-Amz-Date", List.of("20150830T123600Z"));
        headers.put("Authorization", List.of(SUITE_AUTH + signature));
        return new SignedRequest(method, path, query, headers, null);
    }

    // ---- the AWS SigV4 test suite

    @Test
    void verify_getVanilla_succeeds() {
        assertEquals(ROOT, suiteVerifier().verify(suiteRequest("GET", "/", null,
                "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")));
    }

    @Test
    void verify_postVanilla_succeeds() {
        assertEquals(ROOT, suiteVerifier().verify(suiteRequest("POST", "/", null,
                "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b")));
    }

    @Test
    void verify_queryOrderKeyCase_sortsTheQuery() {
        assertEquals(ROOT, suiteVerifier().verify(suiteRequest("GET", "/", "Param2=value2&Param1=value1",
                "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")));
    }

    @Test
    void deriveSigningKey_matchesThePublishedKey_andClearsTheSecret() {
        char[] secret = SUITE_SECRET.toCharArray();
        byte[] key = SigV4Verifier.deriveSigningKey(secret, "20150830", "us-east-1", "service");
        assertEquals("938127b5336810ddb6a5d6af445fcac9e371f9ed418ed386b022aed82901be75", SigV4Verifier.hex(key));
        assertArrayEquals(new char[secret.length], secret);
    }

    @Test
    void verify_getVanillaWithAnotherSignature_isInvalidSignature() {
        KmsException e = assertThrows(KmsException.class, () -> suiteVerifier().verify(suiteRequest("GET", "/", null,
                "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf30")));
        assertEquals(ErrorCode.INVALID_SIGNATURE, e.code());
        assertEquals(400, e.code().httpStatus());
    }

    @Test
    void verify_getVanillaOnAnotherPath_isInvalidSignature() {
        KmsException e = assertThrows(KmsException.class, () -> suiteVerifier().verify(suiteRequest("GET", "/other", null,
                "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")));
        assertEquals(ErrorCode.INVALID_SIGNATURE, e.code());
    }

    @Test
    void canonicalForms_followTheSpec() {
        assertEquals("/", SigV4Verifier.canonicalUri(""));
        assertEquals("/", SigV4Verifier.canonicalUri("/"));
        assertEquals("/a/c", SigV4Verifier.canonicalUri("/a/b/../c"));
        assertEquals("/a%2520b", SigV4Verifier.canonicalUri("/a%20b")); // encoded once more, as for all but S3
        assertEquals("A=0&a=1&a=2&b=", SigV4Verifier.canonicalQuery("b&a=2&a=1&A=0"));
        assertEquals("k=a%20b%2Bc%2A", SigV4Verifier.canonicalQuery("k=a%20b%2Bc*"));
        assertEquals("a b c", SigV4Verifier.trimAll("  a   b \t c  "));
        assertEquals("a b", SigV4Verifier.trimAll("a\tb"));
        assertEquals("a b", SigV4Verifier.trimAll("a b"));
    }

    @Test
    void amzDate_isReadExactly_andOnlyInTheBasicFormat() {
        assertEquals(Instant.parse("2024-02-29T23:59:58Z"), SigV4Verifier.parseAmzDate("20240229T235958Z"));
        for (String bad : List.of("20230229T000000Z", "20251301T000000Z", "20250101T240000Z", "2025010lT000000Z",
                "20250101T000000", "20250101 000000Z", "20250101T0000000Z", "+0250101T000000Z")) {
            assertEquals(ErrorCode.INCOMPLETE_SIGNATURE,
                    assertThrows(KmsException.class, () -> SigV4Verifier.parseAmzDate(bad), bad).code());
        }
    }

    // ---- requests signed by the AWS SDK for Java v2

    /** Signs like the SDK's KMS client: POST /, JSON 1.1 headers, the body's hash in x-amz-content-sha256 or not. */
    static Map<String, List<String>> sdkSigned(String accessKeyId, String secret, String region, String service,
                                               Instant at, byte[] body, boolean contentSha, Map<String, String> extra) {
        SdkHttpRequest.Builder request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(URI.create("http://127.0.0.1:4566/"))
                .putHeader("Content-Type", "application/x-amz-json-1.1")
                .putHeader("X-Amz-Target", "TrentService.DescribeKey");
        extra.forEach(request::putHeader);
        AwsV4HttpSigner signer = AwsV4HttpSigner.create();
        if (contentSha) {
            // What S3-style clients send; the KMS client leaves it out and the server hashes the body itself.
            request.putHeader("x-amz-content-sha256", SigV4Verifier.hex(SigV4Verifier.sha256(body)));
        }
        var signed = signer.sign(r -> r.identity(AwsCredentialsIdentity.create(accessKeyId, secret))
                .request(request.build())
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(at, ZoneOffset.UTC)));
        Map<String, List<String>> headers = new HashMap<>(signed.request().headers());
        // The HTTP client adds Host from the URI; the signer signed it.
        headers.putIfAbsent("Host", List.of("127.0.0.1:4566"));
        return headers;
    }

    static Map<String, List<String>> sdkSigned(Instant at, byte[] body) {
        return sdkSigned(KEY, SECRET, "us-east-1", "kms", at, body, false, Map.of());
    }

    static SignedRequest post(Map<String, List<String>> headers, byte[] body) {
        return new SignedRequest("POST", "/", null, headers, body);
    }

    @Test
    void verify_sdkSignedRequest_returnsThePrincipal() {
        assertEquals(ROOT, kmsVerifier().verify(post(sdkSigned(NOW, BODY), BODY)));
    }

    @Test
    void verify_sdkSignedWithContentSha256_succeeds() {
        Map<String, List<String>> headers = sdkSigned(KEY, SECRET, "us-east-1", "kms", NOW, BODY, true, Map.of());
        assertTrue(headers.keySet().stream().anyMatch(h -> h.equalsIgnoreCase("x-amz-content-sha256")));
        assertEquals(ROOT, kmsVerifier().verify(post(headers, BODY)));
    }

    @Test
    void verify_headerNamesInAnyCase_succeeds() {
        Map<String, List<String>> headers = new HashMap<>();
        sdkSigned(NOW, BODY).forEach((name, values) -> headers.put(name.toUpperCase(), values));
        assertEquals(ROOT, kmsVerifier().verify(post(headers, BODY)));
    }

    @Test
    void verify_signedHeaderWithInnerSpaces_trimsLikeTheSdk() {
        Map<String, List<String>> headers = sdkSigned(KEY, SECRET, "us-east-1", "kms", NOW, BODY, false,
                Map.of("X-Custom", "  a   b  c "));
        assertTrue(headers.get("Authorization").get(0).contains("x-custom"));
        assertEquals(ROOT, kmsVerifier().verify(post(headers, BODY)));
    }

    @Test
    void verify_emptyBody_succeeds() {
        byte[] empty = new byte[0];
        assertEquals(ROOT, kmsVerifier().verify(post(sdkSigned(NOW, empty), empty)));
    }

    @Test
    void verify_tamperedBody_isInvalidSignature() {
        byte[] other = "{\"KeyId\":\"alias/b\"}".getBytes(StandardCharsets.UTF_8);
        KmsException e = assertThrows(KmsException.class, () -> kmsVerifier().verify(post(sdkSigned(NOW, BODY), other)));
        assertEquals(ErrorCode.INVALID_SIGNATURE, e.code());
    }

    @Test
    void verify_contentShaNotTheBodys_isInvalidSignature() {
        Map<String, List<String>> headers = sdkSigned(KEY, SECRET, "us-east-1", "kms", NOW, BODY, true, Map.of());
        byte[] other = "{}".getBytes(StandardCharsets.UTF_8);
        KmsException e = assertThrows(KmsException.class, () -> kmsVerifier().verify(post(headers, other)));
        assertEquals(ErrorCode.INVALID_SIGNATURE, e.code());
        assertTrue(e.getMessage().contains("x-amz-content-sha256"), e.getMessage());
    }

    @Test
    void verify_tamperedSignedHeader_isInvalidSignature() {
        Map<String, List<String>> headers = sdkSigned(NOW, BODY);
        headers.put("X-Amz-Target", List.of("TrentService.ScheduleKeyDeletion"));
        KmsException e = refusal(headers);
        assertEquals(ErrorCode.INVALID_SIGNATURE, e.code());
    }

    @Test
    void verify_wrongSecret_isInvalidSignature() {
        Map<String, List<String>> headers = sdkSigned(KEY, SECRET + "x", "us-east-1", "kms", NOW, BODY, false, Map.of());
        KmsException e = refusal(headers);
        assertEquals(ErrorCode.INVALID_SIGNATURE, e.code());
        assertEquals("InvalidSignatureException", e.code().awsName());
        assertFalse(e.getMessage().contains(SECRET));
    }

    @Test
    void verify_unknownAccessKey_isUnrecognizedClient() {
        Map<String, List<String>> headers = sdkSigned("AKIAUNKNOWNUNKNOWN00", SECRET, "us-east-1", "kms", NOW, BODY,
                false, Map.of());
        KmsException e = refusal(headers);
        assertEquals("UnrecognizedClientException", e.code().awsName());
    }

    @Test
    void verify_noAuthorization_isMissingAuthenticationToken() {
        Map<String, List<String>> headers = sdkSigned(NOW, BODY);
        headers.remove("Authorization");
        KmsException e = refusal(headers);
        assertEquals("MissingAuthenticationToken", e.code().awsName());
        assertEquals(403, e.code().httpStatus());
    }

    @Test
    void verify_malformedAuthorization_isIncompleteSignature() {
        for (String bad : List.of("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA256 Credential=" + KEY + "/20250304/us-east-1/kms/aws4_request",
                "AWS4-HMAC-SHA256 Credential=" + KEY + "/20250304/us-east-1/kms/aws4_request, SignedHeaders=host;x-amz-date",
                "AWS4-HMAC-SHA256 Credential " + KEY + ", SignedHeaders=host;x-amz-date, Signature=00",
                "AWS4-HMAC-SHA256 Credential=" + KEY + "/20250304/us-east-1, SignedHeaders=host;x-amz-date, Signature=00",
                "AWS4-HMAC-SHA1 Credential=" + KEY + "/20250304/us-east-1/kms/aws4_request, SignedHeaders=host;x-amz-date, Signature=00",
                "Basic dXNlcjpwYXNz")) {
            Map<String, List<String>> headers = sdkSigned(NOW, BODY);
            headers.put("Authorization", List.of(bad));
            KmsException e = assertThrows(KmsException.class, () -> kmsVerifier().verify(post(headers, BODY)), bad);
            assertEquals("IncompleteSignature", e.code().awsName(), bad);
            assertEquals(400, e.code().httpStatus());
        }
    }

    /** What a POST of BODY with {@code headers} is refused with. */
    private KmsException refusal(Map<String, List<String>> headers) {
        return assertThrows(KmsException.class, () -> kmsVerifier().verify(post(headers, BODY)));
    }

    /** Asserts that a POST of BODY with {@code headers} is refused as an incomplete signature; returns the refusal. */
    private KmsException assertIncompleteSignature(Map<String, List<String>> headers) {
        KmsException e = refusal(headers);
        assertEquals(ErrorCode.INCOMPLETE_SIGNATURE, e.code());
        return e;
    }

    private static Map<String, List<String>> withSignedHeaders(Map<String, List<String>> headers, String signed) {
        String auth = headers.get("Authorization").get(0).replaceFirst("SignedHeaders=[^,]*", "SignedHeaders=" + signed);
        headers.put("Authorization", List.of(auth));
        return headers;
    }

    @Test
    void verify_hostNotSigned_isIncompleteSignature() {
        Map<String, List<String>> headers = withSignedHeaders(sdkSigned(NOW, BODY), "x-amz-date;x-amz-target");
        KmsException e = assertIncompleteSignature(headers);
        assertTrue(e.getMessage().contains("Host"), e.getMessage());
    }

    @Test
    void verify_dateNotSigned_isIncompleteSignature() {
        Map<String, List<String>> headers = withSignedHeaders(sdkSigned(NOW, BODY), "host;x-amz-target");
        KmsException e = assertIncompleteSignature(headers);
        assertTrue(e.getMessage().contains("X-Amz-Date"), e.getMessage());
    }

    @Test
    void verify_signedHeaderAbsent_isIncompleteSignature() {
        Map<String, List<String>> headers = withSignedHeaders(sdkSigned(NOW, BODY),
                "content-type;host;x-amz-date;x-amz-target;x-missing");
        assertIncompleteSignature(headers);
    }

    /**
     * A request validly signed over Host and X-Amz-Date only (as a captured DescribeKey could be), with
     * {@code name: value} added unsigned: the signature verifies, so only the coverage rule stops the swap.
     */
    static Map<String, List<String>> signedOverHostAndDateOnly(String name, String value) {
        Map<String, String> signed = new SigV4Signer("us-east-1").sign("POST", URI.create("http://127.0.0.1:4566/"),
                Map.of(), BODY, KEY, SECRET.toCharArray(), null, NOW);
        Map<String, List<String>> headers = new HashMap<>();
        signed.forEach((n, v) -> headers.put(n, List.of(v)));
        headers.put(name, List.of(value));
        return headers;
    }

    @ParameterizedTest
    @CsvSource({"X-Amz-Target, TrentService.DisableKey", "Content-Type, application/x-amz-json-1.1",
            "X-Amz-Security-Token, token", "x-amz-content-sha256, UNSIGNED-PAYLOAD", "X-Amz-Anything, x"})
    void verify_xAmzHeaderOrContentTypeNotSigned_isIncompleteSignature(String name, String value) {
        assertTrue(signedOverHostAndDateOnly("X-Custom", "unsigned headers outside x-amz-* may ride along")
                .get("Authorization").get(0).contains("SignedHeaders=host;x-amz-date,"));
        assertEquals(ROOT, kmsVerifier().verify(post(signedOverHostAndDateOnly("X-Custom", "x"), BODY)));
        KmsException e = assertThrows(KmsException.class,
                () -> kmsVerifier().verify(post(signedOverHostAndDateOnly(name, value), BODY)));
        assertEquals(ErrorCode.INCOMPLETE_SIGNATURE, e.code());
        assertEquals("'" + name + "' must be a 'SignedHeader' in the AWS Authorization.", e.getMessage());
    }

    @Test
    void verify_noDateHeader_isIncompleteSignature() {
        Map<String, List<String>> headers = sdkSigned(NOW, BODY);
        headers.keySet().removeIf(h -> h.equalsIgnoreCase("x-amz-date"));
        assertIncompleteSignature(headers);
    }

    @Test
    void verify_malformedDate_isIncompleteSignature() {
        Map<String, List<String>> headers = sdkSigned(NOW, BODY);
        headers.keySet().removeIf(h -> h.equalsIgnoreCase("x-amz-date"));
        headers.put("X-Amz-Date", List.of("2025-03-04T05:06:07Z"));
        assertIncompleteSignature(headers);
    }

    @Test
    void verify_otherRegion_isInvalidSignature() {
        Map<String, List<String>> headers = sdkSigned(KEY, SECRET, "eu-west-1", "kms", NOW, BODY, false, Map.of());
        KmsException e = refusal(headers);
        assertEquals(ErrorCode.INVALID_SIGNATURE, e.code());
        assertEquals("Credential should be scoped to a valid region.", e.getMessage());
    }

    @Test
    void verify_otherService_isInvalidSignature() {
        Map<String, List<String>> headers = sdkSigned(KEY, SECRET, "us-east-1", "s3", NOW, BODY, false, Map.of());
        KmsException e = refusal(headers);
        assertEquals(ErrorCode.INVALID_SIGNATURE, e.code());
        assertTrue(e.getMessage().contains("'kms'"), e.getMessage());
    }

    @Test
    void verify_scopeDateNotTheRequestDate_isInvalidSignature() {
        Map<String, List<String>> headers = sdkSigned(NOW, BODY);
        String auth = headers.get("Authorization").get(0).replace("/20250304/", "/20250303/");
        headers.put("Authorization", List.of(auth));
        KmsException e = refusal(headers);
        assertEquals(ErrorCode.INVALID_SIGNATURE, e.code());
        assertTrue(e.getMessage().startsWith("Date in Credential scope does not match"), e.getMessage());
    }

    @Test
    void verify_signedSixteenMinutesAgo_isRequestExpired() {
        KmsException e = refusal(sdkSigned(NOW.minus(Duration.ofMinutes(16)), BODY));
        assertEquals("RequestExpired", e.code().awsName());
        assertTrue(e.getMessage().startsWith("Signature expired: 20250304T045007Z"), e.getMessage());
    }

    @Test
    void verify_signedSixteenMinutesAhead_isRequestExpired() {
        KmsException e = refusal(sdkSigned(NOW.plus(Duration.ofMinutes(16)), BODY));
        assertEquals("RequestExpired", e.code().awsName());
    }

    @Test
    void verify_signedFifteenMinutesOff_isStillAccepted() {
        assertEquals(ROOT, kmsVerifier().verify(post(sdkSigned(NOW.minus(Duration.ofMinutes(15)), BODY), BODY)));
        assertEquals(ROOT, kmsVerifier().verify(post(sdkSigned(NOW.plus(Duration.ofMinutes(15)), BODY), BODY)));
    }

    @Test
    void verify_twoRequestsTheSameDay_deriveTheSigningKeyOnce_andClearTheSecret() {
        SigV4Verifier verifier = kmsVerifier();
        verifier.verify(post(sdkSigned(NOW, BODY), BODY));
        verifier.verify(post(sdkSigned(NOW.plusSeconds(60), BODY), BODY));
        assertEquals(1, credentials.secretLookups.get());
        assertArrayEquals(new char[SECRET.length()], credentials.lastSecretHandedOut);
    }

    @Test
    void verify_pastTheCacheBound_stillVerifies() {
        SigV4Verifier verifier = new SigV4Verifier("us-east-1", "kms", Clock.fixed(NOW, ZoneOffset.UTC), credentials, 1);
        Map<String, List<String>> other = sdkSigned(SUITE_KEY, SUITE_SECRET, "us-east-1", "kms", NOW, BODY, false,
                Map.of());
        for (int i = 0; i < 3; i++) {
            assertEquals(ROOT, verifier.verify(post(sdkSigned(NOW, BODY), BODY)));
            assertEquals(ROOT, verifier.verify(post(other, BODY)));
        }
    }
}
