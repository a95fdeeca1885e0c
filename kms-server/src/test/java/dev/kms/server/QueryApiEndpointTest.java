package dev.kms.server;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.identity.Principal;
import dev.kms.core.identity.RequestContext;
import dev.kms.core.policy.PrincipalType;
import dev.kms.wire.AwsJson;
import dev.kms.wire.MapCredentials;
import dev.kms.wire.QueryProtocol;
import dev.kms.wire.QueryXml;
import dev.kms.wire.SigV4Signer;
import dev.kms.wire.SigV4Verifier;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Query protocol's routing, XML and error codes, on {@link ApiEndpoint} with identity and KMS operations that
 * record what they are given (the real IAM and STS behind it are proven with the AWS SDK and CLI in kms-cli).
 */
class QueryApiEndpointTest {
    static final String REGION = "eu-west-1";
    static final Instant NOW = Instant.parse("2025-03-04T05:06:07Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final String KEY_ID = "AKIAIOSFODNN7EXAMPLE";
    static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    static final Principal ALICE = new Principal(PrincipalType.USER, "arn:aws:iam::111122223333:user/alice",
            "111122223333", "AIDAEXAMPLE", "alice", KEY_ID);
    static final URI ENDPOINT = URI.create("http://127.0.0.1:4599/");

    final List<String> identityCalls = new ArrayList<>();
    final List<Map<String, String>> identityParameters = new ArrayList<>();
    final List<String> kmsCalls = new ArrayList<>();
    RuntimeException identityFailure;

    final ApiEndpoint endpoint = new ApiEndpoint(
            (ctx, operation, request) -> {
                kmsCalls.add(operation);
                return JsonNodeFactory.instance.objectNode();
            },
            new SigV4Verifier(REGION, CLOCK, credentials()), () -> true, 64 * 1024,
            RequestRateLimiter.perAccount(1000),
            new QueryApiEndpoint(this::identity, REGION, CLOCK, credentials(), RequestRateLimiter.perAccount(1000)));

    static MapCredentials credentials() {
        return new MapCredentials().add(KEY_ID, SECRET, ALICE);
    }

    ObjectNode identity(RequestContext ctx, String service, String action, Map<String, String> parameters) {
        identityCalls.add(service + ":" + action + " as " + ctx.principal().name() + " from " + ctx.sourceIp());
        identityParameters.add(parameters);
        if (identityFailure != null) {
            throw identityFailure;
        }
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        if (action.equals("GetRole")) {
            result.putObject("Role").put("RoleName", "ops").put("AssumeRolePolicyDocument", "{\"a\": \"b c\"}")
                    .put("MaxSessionDuration", 3600);
        } else if (action.equals("ListUserPolicies")) {
            result.putArray("PolicyNames").add("one").add("two");
        }
        return result;
    }

    ApiEndpoint.Answer post(String service, String signingRegion, String form) {
        byte[] body = form.getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
        Map<String, String> signed = new SigV4Signer(signingRegion, service).sign("POST", ENDPOINT, headers, body,
                KEY_ID, SECRET.toCharArray(), null, NOW);
        Map<String, List<String>> multi = new LinkedHashMap<>();
        signed.forEach((name, value) -> multi.put(name, List.of(value)));
        return endpoint.handle(new ApiEndpoint.Call("POST", "/", null, multi, body, "10.1.2.3"), "req-1");
    }

    static String text(ApiEndpoint.Answer answer) {
        return new String(answer.body(), StandardCharsets.UTF_8);
    }

    @Test
    void iamAction_isRoutedByTheScope_withItsParameters_andAnsweredInXml() {
        ApiEndpoint.Answer answer = post("iam", REGION, "Action=GetRole&Version=2010-05-08&RoleName=ops");
        assertEquals(200, answer.status(), text(answer));
        assertEquals("text/xml", answer.contentType());
        assertEquals("iam:GetRole", answer.operation(), "the metrics and access log label");
        assertEquals(List.of("iam:GetRole as alice from 10.1.2.3"), identityCalls);
        assertEquals(Map.of("RoleName", "ops"), identityParameters.get(0));
        assertEquals(List.of(), kmsCalls);
        assertEquals("<?xml version=\"1.0\" encoding=\"UTF-8\"?><GetRoleResponse "
                + "xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><GetRoleResult><Role><RoleName>ops</RoleName>"
                + "<AssumeRolePolicyDocument>%7B%22a%22%3A%20%22b%20c%22%7D</AssumeRolePolicyDocument>"
                + "<MaxSessionDuration>3600</MaxSessionDuration></Role></GetRoleResult><ResponseMetadata>"
                + "<RequestId>req-1</RequestId></ResponseMetadata></GetRoleResponse>", text(answer));
        ObjectNode read = QueryXml.readResult(answer.body(), "GetRole");
        assertEquals("{\"a\": \"b c\"}", read.get("Role").get("AssumeRolePolicyDocument").asText());
        assertEquals(3600, read.get("Role").get("MaxSessionDuration").intValue());
    }

    @Test
    void lists_areMemberElements_markedComplete() {
        ApiEndpoint.Answer answer = post("iam", "us-east-1", "Action=ListUserPolicies&Version=2010-05-08&UserName=a");
        assertEquals(200, answer.status(), text(answer));
        assertTrue(text(answer).contains("<PolicyNames><member>one</member><member>two</member></PolicyNames>"
                + "<IsTruncated>false</IsTruncated>"), text(answer));
        ObjectNode read = QueryXml.readResult(answer.body(), "ListUserPolicies");
        assertEquals("[\"one\",\"two\"]", read.get("PolicyNames").toString());
        assertEquals(false, read.get("IsTruncated").booleanValue());
    }

    @Test
    void stsAction_withoutResult_answersOnlyTheMetadata() {
        ApiEndpoint.Answer answer = post("sts", REGION, "Action=GetCallerIdentity&Version=2011-06-15");
        assertEquals(200, answer.status(), text(answer));
        assertEquals(List.of("sts:GetCallerIdentity as alice from 10.1.2.3"), identityCalls);
        assertTrue(text(answer).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?><GetCallerIdentityResponse "
                + "xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><ResponseMetadata>"), text(answer));
    }

    @Test
    void domainErrors_becomeTheQueryApisCodesAndStatuses() {
        identityFailure = new KmsException(ErrorCode.NOT_FOUND, "The user with name bob cannot be found.");
        ApiEndpoint.Answer answer = post("iam", REGION, "Action=GetUser&Version=2010-05-08&UserName=bob");
        assertEquals(404, answer.status());
        assertEquals("NoSuchEntity", answer.errorType());
        assertEquals("iam:GetUser", answer.operation());
        assertEquals("<?xml version=\"1.0\" encoding=\"UTF-8\"?><ErrorResponse "
                + "xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</Type><Code>NoSuchEntity"
                + "</Code><Message>The user with name bob cannot be found.</Message></Error><RequestId>req-1"
                + "</RequestId></ErrorResponse>", text(answer));
        assertEquals(Map.of("Code", "NoSuchEntity", "Message", "The user with name bob cannot be found."),
                QueryXml.readError(answer.body()));

        identityFailure = new KmsException(ErrorCode.ACCESS_DENIED, "no");
        assertEquals(403, post("sts", REGION, "Action=AssumeRole&Version=2011-06-15").status());
        identityFailure = new KmsException(ErrorCode.DELETE_CONFLICT, "keys first");
        assertEquals("DeleteConflict", post("iam", REGION, "Action=DeleteUser&Version=2010-05-08").errorType());
        identityFailure = new IllegalStateException("a bug with a detail nobody should see");
        ApiEndpoint.Answer internal = post("iam", REGION, "Action=ListUsers&Version=2010-05-08");
        assertEquals(500, internal.status());
        assertTrue(text(internal).contains("<Type>Receiver</Type><Code>ServiceFailure</Code>"), text(internal));
        assertTrue(!text(internal).contains("nobody should see"), text(internal));
    }

    @Test
    void missingActionOrWrongVersion_isRefusedBeforeAnyCall() {
        assertEquals("MissingAction", post("iam", REGION, "Version=2010-05-08").errorType());
        ApiEndpoint.Answer wrongVersion = post("iam", REGION, "Action=ListUsers&Version=2011-06-15");
        assertEquals(400, wrongVersion.status());
        assertEquals("InvalidAction", wrongVersion.errorType());
        assertEquals("MalformedQueryString", post("iam", REGION, "Action=ListUsers&Version=%zz").errorType());
        assertEquals(List.of(), identityCalls);
        // Whatever the identity API answers an action it lacks, the label stays unknown: clients cannot add labels.
        assertNull(post("iam", REGION, "Action=CreateMischief&Version=2010-05-08").operation());
    }

    @Test
    void parameters_areStrictUtf8_onceDecoded() {
        for (String bad : List.of("%F4%90%80%80", "%C0%AF", "%ED%A0%80", "%E2%82", "%FF")) {
            ApiEndpoint.Answer answer = post("iam", REGION, "Action=GetUser&Version=2010-05-08&UserName=a" + bad);
            assertEquals(400, answer.status(), bad);
            assertEquals("MalformedQueryString", answer.errorType(), bad);
            assertTrue(text(answer).contains("not valid UTF-8"), text(answer));
        }
        assertEquals(List.of(), identityCalls);
        assertEquals(200, post("iam", REGION, "Action=GetUser&Version=2010-05-08&UserName=%C3%A9+%F0%9F%98%80")
                .status());
        assertEquals(Map.of("UserName", "\u00e9 \uD83D\uDE00"), identityParameters.get(0));
    }

    @Test
    void theActionLivesInTheSignedBody_andContentTypeMustBeSigned() {
        byte[] signedBody = "Action=GetUser&Version=2010-05-08&UserName=a".getBytes(StandardCharsets.UTF_8);
        Map<String, String> signed = new SigV4Signer(REGION, "iam").sign("POST", ENDPOINT,
                Map.of("Content-Type", QueryProtocol.FORM_CONTENT_TYPE), signedBody, KEY_ID, SECRET.toCharArray(),
                null, NOW);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        signed.forEach((name, value) -> headers.put(name, List.of(value)));
        byte[] swapped = "Action=DeleteUser&Version=2010-05-08&UserName=a".getBytes(StandardCharsets.UTF_8);
        ApiEndpoint.Answer answer = endpoint.handle(new ApiEndpoint.Call("POST", "/", null, headers, swapped,
                "10.1.2.3"), "req-4");
        assertEquals("SignatureDoesNotMatch", answer.errorType());

        // Signed without Content-Type, which is then added: the protocol itself would be unsigned.
        Map<String, String> bare = new SigV4Signer(REGION, "iam").sign("POST", ENDPOINT, Map.of(), signedBody,
                KEY_ID, SECRET.toCharArray(), null, NOW);
        Map<String, List<String>> unsignedType = new LinkedHashMap<>();
        bare.forEach((name, value) -> unsignedType.put(name, List.of(value)));
        unsignedType.put("Content-Type", List.of(QueryProtocol.FORM_CONTENT_TYPE));
        ApiEndpoint.Answer refused = endpoint.handle(new ApiEndpoint.Call("POST", "/", null, unsignedType,
                signedBody, "10.1.2.3"), "req-5");
        assertEquals(400, refused.status(), text(refused));
        assertEquals("IncompleteSignature", refused.errorType());
        assertTrue(text(refused).contains("'Content-Type' must be a 'SignedHeader'"), text(refused));
        assertEquals(List.of(), identityCalls);
    }

    @Test
    void signatures_forAnotherRegionOrService_areRefusedWithTheQueryApisNames() {
        ApiEndpoint.Answer otherRegion = post("iam", "ap-southeast-2", "Action=ListUsers&Version=2010-05-08");
        assertEquals(403, otherRegion.status());
        assertEquals("SignatureDoesNotMatch", otherRegion.errorType());
        assertEquals("SignatureDoesNotMatch", post("kms", REGION, "Action=ListUsers&Version=2010-05-08").errorType());
        Map<String, List<String>> unsigned = Map.of("Content-Type", List.of("application/x-www-form-urlencoded"));
        ApiEndpoint.Answer missing = endpoint.handle(new ApiEndpoint.Call("POST", "/", null, unsigned,
                "Action=ListUsers".getBytes(StandardCharsets.UTF_8), "10.1.2.3"), "req-2");
        assertEquals(403, missing.status());
        assertEquals("MissingAuthenticationToken", missing.errorType());
        assertEquals(List.of(), identityCalls);
    }

    @Test
    void kmsRequests_stillGoToTheKmsApi() {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", AwsJson.CONTENT_TYPE);
        headers.put("X-Amz-Target", "TrentService.ListKeys");
        Map<String, List<String>> multi = new LinkedHashMap<>();
        new SigV4Signer(REGION).sign("POST", ENDPOINT, headers, body, KEY_ID, SECRET.toCharArray(), null, NOW)
                .forEach((name, value) -> multi.put(name, List.of(value)));
        ApiEndpoint.Answer answer = endpoint.handle(new ApiEndpoint.Call("POST", "/", null, multi, body, "10.1.2.3"),
                "req-3");
        assertEquals(200, answer.status());
        assertEquals(AwsJson.CONTENT_TYPE, answer.contentType());
        assertEquals(List.of("ListKeys"), kmsCalls);
        assertNull(answer.errorType());
    }
}
