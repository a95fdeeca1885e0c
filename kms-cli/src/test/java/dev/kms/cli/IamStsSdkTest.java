package dev.kms.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kms.node.NodeConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;
import software.amazon.awssdk.services.iam.model.CreateAccessKeyResponse;
import software.amazon.awssdk.services.iam.model.DeleteConflictException;
import software.amazon.awssdk.services.iam.model.EntityAlreadyExistsException;
import software.amazon.awssdk.services.iam.model.IamException;
import software.amazon.awssdk.services.iam.model.MalformedPolicyDocumentException;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.iam.model.StatusType;
import software.amazon.awssdk.services.iam.model.User;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.EncryptResponse;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;
import software.amazon.awssdk.services.sts.model.StsException;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * IAM and STS of {@code kms server} (in-process, over a real SoftHSM2 token and SQLite home in region eu-west-1)
 * through clients no one here wrote: the AWS SDK for Java v2's IamClient and StsClient, unchanged but for the
 * endpoint, and the KmsClient with the credentials they hand out. Errors arrive as the SDK's typed exceptions.
 */
class IamStsSdkTest {
    static final String REGION = "eu-west-1";
    static final String ACCOUNT = CliFixture.ACCOUNT;
    static final String ENCRYPT_ONLY = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            + "\"Action\":\"kms:Encrypt\",\"Resource\":\"*\"}]}";

    @TempDir
    static Path home;
    static CliFixture kms;
    static InProcessServer server;
    static URI endpoint;
    static AwsBasicCredentials admin;

    @BeforeAll
    static void startServer() throws Exception {
        kms = CliFixture.create(home);
        kms.writeConfig(NodeConfig.PIN_FILE + "=user.pin", NodeConfig.REGION + "=" + REGION);
        server = new InProcessServer(kms, "kms-server-iam-test");
        endpoint = server.endpoint;
        List<String> lines = Files.readAllLines(home.resolve("bootstrap-credentials"));
        admin = AwsBasicCredentials.create(value(lines, "aws_access_key_id"), value(lines, "aws_secret_access_key"));
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.stop();
            assertEquals(0, server.exit(), server.err.toString());
            assertFalse(server.err.toString().contains(admin.secretAccessKey()), "the secret was printed");
        }
    }

    private static String value(List<String> lines, String name) {
        return lines.stream().filter(l -> l.startsWith(name + " = ")).findFirst().orElseThrow()
                .substring(name.length() + 3);
    }

    static IamClient iam(AwsCredentials credentials, Region region) {
        return IamClient.builder().endpointOverride(endpoint).region(region)
                .credentialsProvider(StaticCredentialsProvider.create(credentials))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    static IamClient iam(AwsCredentials credentials) {
        return iam(credentials, Region.of(REGION));
    }

    static StsClient sts(AwsCredentials credentials) {
        return StsClient.builder().endpointOverride(endpoint).region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(credentials))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    static KmsClient kmsClient(AwsCredentials credentials) {
        return KmsClient.builder().endpointOverride(endpoint).region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(credentials))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    static void assertKmsAccessDenied(org.junit.jupiter.api.function.Executable call) {
        software.amazon.awssdk.services.kms.model.KmsException e = assertThrows(
                software.amazon.awssdk.services.kms.model.KmsException.class, call);
        assertEquals("AccessDeniedException", e.awsErrorDetails().errorCode());
    }

    static String decode(String document) {
        return URLDecoder.decode(document, StandardCharsets.UTF_8);
    }

    @Test
    void iamClient_createsAUserAKeyAndAPolicy_andTheUsersKeyEncryptsThroughTheKeyPolicysDelegation() {
        try (IamClient iam = iam(admin); KmsClient adminKms = kmsClient(admin)) {
            User alice = iam.createUser(r -> r.userName("alice")).user();
            assertEquals("arn:aws:iam::" + ACCOUNT + ":user/alice", alice.arn());
            assertTrue(alice.userId().matches("AIDA[A-Z0-9]{16}"), alice.userId());
            assertEquals("/", alice.path());
            assertTrue(Duration.between(alice.createDate(), Instant.now()).abs().toMinutes() < 5, "CreateDate");
            assertEquals(alice, iam.getUser(r -> r.userName("alice")).user());
            assertTrue(iam.listUsers().users().contains(alice), "ListUsers lists alice");

            CreateAccessKeyResponse created = iam.createAccessKey(r -> r.userName("alice"));
            String keyId = created.accessKey().accessKeyId();
            assertTrue(keyId.matches("AKIA[A-Z0-9]{16}"), keyId);
            assertEquals(40, created.accessKey().secretAccessKey().length());
            assertEquals(StatusType.ACTIVE, created.accessKey().status());
            List<AccessKeyMetadata> keys = iam.listAccessKeys(r -> r.userName("alice")).accessKeyMetadata();
            assertEquals(List.of(keyId), keys.stream().map(AccessKeyMetadata::accessKeyId).toList());

            iam.putUserPolicy(r -> r.userName("alice").policyName("encrypt").policyDocument(ENCRYPT_ONLY));
            assertEquals(List.of("encrypt"), iam.listUserPolicies(r -> r.userName("alice")).policyNames());
            assertEquals(ENCRYPT_ONLY, decode(iam.getUserPolicy(r -> r.userName("alice").policyName("encrypt"))
                    .policyDocument()));

            // The default key policy delegates to the account, so alice's identity policy decides.
            String kmsKey = adminKms.createKey(r -> r.description("alice's")).keyMetadata().keyId();
            AwsBasicCredentials aliceCredentials = AwsBasicCredentials.create(keyId,
                    created.accessKey().secretAccessKey());
            try (KmsClient aliceKms = kmsClient(aliceCredentials)) {
                EncryptResponse encrypted = aliceKms.encrypt(r -> r.keyId(kmsKey)
                        .plaintext(SdkBytes.fromUtf8String("for alice")));
                assertEquals("for alice", adminKms.decrypt(r -> r.ciphertextBlob(encrypted.ciphertextBlob()))
                        .plaintext().asUtf8String());
                assertKmsAccessDenied(() -> aliceKms.decrypt(r -> r.ciphertextBlob(encrypted.ciphertextBlob())));
            }

            // Deactivated (the server's signature check sees it within AuthenticatorCredentials.PRINCIPAL_TTL).
            iam.updateAccessKey(r -> r.userName("alice").accessKeyId(keyId).status(StatusType.INACTIVE));
            assertEquals(StatusType.INACTIVE, iam.listAccessKeys(r -> r.userName("alice")).accessKeyMetadata().get(0)
                    .status());

            DeleteConflictException conflict = assertThrows(DeleteConflictException.class,
                    () -> iam.deleteUser(r -> r.userName("alice")));
            assertEquals(409, conflict.statusCode());
            iam.deleteAccessKey(r -> r.userName("alice").accessKeyId(keyId));
            iam.deleteUserPolicy(r -> r.userName("alice").policyName("encrypt"));
            iam.deleteUser(r -> r.userName("alice"));
            assertThrows(NoSuchEntityException.class, () -> iam.getUser(r -> r.userName("alice")));
        }
    }

    @Test
    void iamErrors_arriveAsTheSdksTypedExceptions() {
        try (IamClient iam = iam(admin)) {
            NoSuchEntityException missing = assertThrows(NoSuchEntityException.class,
                    () -> iam.getUser(r -> r.userName("nobody")));
            assertEquals(404, missing.statusCode());
            assertEquals("NoSuchEntity", missing.awsErrorDetails().errorCode());
            assertEquals("The user with name nobody cannot be found.", missing.awsErrorDetails().errorMessage());
            assertTrue(missing.requestId() != null && !missing.requestId().isEmpty(), "request id");

            iam.createUser(r -> r.userName("bob"));
            EntityAlreadyExistsException twice = assertThrows(EntityAlreadyExistsException.class,
                    () -> iam.createUser(r -> r.userName("bob")));
            assertEquals(409, twice.statusCode());
            MalformedPolicyDocumentException malformed = assertThrows(MalformedPolicyDocumentException.class,
                    () -> iam.putUserPolicy(r -> r.userName("bob").policyName("p").policyDocument("{\"Statement\":[{"
                            + "\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}")));
            assertEquals(400, malformed.statusCode());
            IamException invalid = assertThrows(IamException.class, () -> iam.createUser(r -> r.userName("b o b")));
            assertEquals("ValidationError", invalid.awsErrorDetails().errorCode());
            assertEquals(400, invalid.statusCode());
            assertThrows(NoSuchEntityException.class, () -> iam.deleteRole(r -> r.roleName("none")));
        }
    }

    @Test
    void iam_byAUserWithoutAnIamPolicy_isAccessDenied_andAllowedOnceAPolicyAllowsIt() {
        try (IamClient iam = iam(admin)) {
            iam.createUser(r -> r.userName("carol"));
            CreateAccessKeyResponse key = iam.createAccessKey(r -> r.userName("carol"));
            AwsBasicCredentials carol = AwsBasicCredentials.create(key.accessKey().accessKeyId(),
                    key.accessKey().secretAccessKey());
            try (IamClient asCarol = iam(carol)) {
                IamException denied = assertThrows(IamException.class, () -> asCarol.listUsers());
                assertEquals("AccessDenied", denied.awsErrorDetails().errorCode());
                assertEquals(403, denied.statusCode());
                assertTrue(denied.awsErrorDetails().errorMessage().contains("user/carol is not authorized to perform: "
                        + "iam:ListUsers"), denied.awsErrorDetails().errorMessage());

                iam.putUserPolicy(r -> r.userName("carol").policyName("read-users").policyDocument(
                        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
                                + "[\"iam:ListUsers\",\"iam:GetUser\"],\"Resource\":\"*\"}]}"));
                assertTrue(asCarol.listUsers().users().stream().anyMatch(u -> u.userName().equals("carol")));
                // GetUser without a name is the caller itself, as in IAM.
                assertEquals("carol", asCarol.getUser().user().userName());
                assertEquals("AccessDenied", assertThrows(IamException.class,
                        () -> asCarol.createUser(r -> r.userName("mallory"))).awsErrorDetails().errorCode());
            }
        }
    }

    @Test
    void iam_signedForUsEast1OrAwsGlobal_isAcceptedAsWellAsTheServersRegion_butNotForAnotherRegion() {
        // With an endpoint override the SDK signs IAM for the client's region, aws-global included, literally.
        try (IamClient global = iam(admin, Region.US_EAST_1); IamClient awsGlobal = iam(admin, Region.AWS_GLOBAL);
             IamClient other = iam(admin, Region.AP_SOUTHEAST_2)) {
            assertTrue(global.listUsers().users().stream().anyMatch(u -> u.userName().equals("kms-admin")));
            assertTrue(awsGlobal.listUsers().users().stream().anyMatch(u -> u.userName().equals("kms-admin")));
            IamException refused = assertThrows(IamException.class, other::listUsers);
            assertEquals("SignatureDoesNotMatch", refused.awsErrorDetails().errorCode());
            assertEquals(403, refused.statusCode());
        }
    }

    @Test
    void sts_assumeRole_givesSessionCredentials_thatTheKmsApiAndGetCallerIdentityAccept() {
        try (IamClient iam = iam(admin); StsClient adminSts = sts(admin); KmsClient adminKms = kmsClient(admin)) {
            String trust = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
                    + "\"arn:aws:iam::" + ACCOUNT + ":user/kms-admin\"},\"Action\":\"sts:AssumeRole\"}]}";
            Role role = iam.createRole(r -> r.roleName("encryptor").assumeRolePolicyDocument(trust)).role();
            assertEquals("arn:aws:iam::" + ACCOUNT + ":role/encryptor", role.arn());
            assertEquals(3600, role.maxSessionDuration());
            assertEquals(trust, decode(role.assumeRolePolicyDocument()));
            iam.putRolePolicy(r -> r.roleName("encryptor").policyName("encrypt").policyDocument(ENCRYPT_ONLY));
            assertEquals(List.of("encrypt"), iam.listRolePolicies(r -> r.roleName("encryptor")).policyNames());
            assertEquals(ENCRYPT_ONLY, decode(iam.getRolePolicy(r -> r.roleName("encryptor").policyName("encrypt"))
                    .policyDocument()));
            assertTrue(iam.listRoles().roles().stream().anyMatch(r -> r.roleName().equals("encryptor")));

            AssumeRoleResponse assumed = adminSts.assumeRole(r -> r.roleArn(role.arn()).roleSessionName("job-1")
                    .durationSeconds(900));
            assertEquals("arn:aws:sts::" + ACCOUNT + ":assumed-role/encryptor/job-1", assumed.assumedRoleUser().arn());
            assertTrue(assumed.credentials().accessKeyId().startsWith("ASIA"), assumed.credentials().accessKeyId());
            assertTrue(assumed.credentials().expiration().isAfter(Instant.now().plusSeconds(800)), "expiration");

            AwsSessionCredentials session = AwsSessionCredentials.create(assumed.credentials().accessKeyId(),
                    assumed.credentials().secretAccessKey(), assumed.credentials().sessionToken());
            String kmsKey = adminKms.createKey(r -> r.description("for the role")).keyMetadata().keyId();
            try (StsClient asSession = sts(session); KmsClient sessionKms = kmsClient(session)) {
                GetCallerIdentityResponse who = asSession.getCallerIdentity();
                assertEquals(assumed.assumedRoleUser().arn(), who.arn());
                assertEquals(ACCOUNT, who.account());
                assertEquals(assumed.assumedRoleUser().assumedRoleId(), who.userId());
                sessionKms.encrypt(r -> r.keyId(kmsKey).plaintext(SdkBytes.fromUtf8String("by the role")));
                assertKmsAccessDenied(() -> sessionKms.describeKey(r -> r.keyId(kmsKey)));
            }

            GetCallerIdentityResponse adminIdentity = adminSts.getCallerIdentity();
            assertEquals("arn:aws:iam::" + ACCOUNT + ":user/kms-admin", adminIdentity.arn());
            assertEquals(admin.accessKeyId().length(), 20);

            StsException denied = assertThrows(StsException.class, () -> adminSts.assumeRole(r -> r.roleArn(
                    "arn:aws:iam::" + ACCOUNT + ":role/missing").roleSessionName("job-2")));
            assertEquals("AccessDenied", denied.awsErrorDetails().errorCode());
            assertEquals(403, denied.statusCode());

            iam.deleteRolePolicy(r -> r.roleName("encryptor").policyName("encrypt"));
            iam.deleteRole(r -> r.roleName("encryptor"));
            assertThrows(NoSuchEntityException.class, () -> iam.getRole(r -> r.roleName("encryptor")));
        }
    }

    @Test
    void everyCall_isAuditedWithItsSource_andNoSecretReachesTheTrail() throws Exception {
        String secret;
        try (IamClient iam = iam(admin)) {
            iam.createUser(r -> r.userName("dave"));
            secret = iam.createAccessKey(r -> r.userName("dave")).accessKey().secretAccessKey();
            assertThrows(NoSuchEntityException.class, () -> iam.getUser(r -> r.userName("erin")));
        }
        StringBuilder trail = new StringBuilder();
        try (var files = Files.walk(home.resolve("audit"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                trail.append(Files.readString(file, StandardCharsets.ISO_8859_1));
            }
        }
        String events = trail.toString();
        assertFalse(events.contains(secret), "a secret access key reached the audit trail");
        JsonNode created = lastEvent(events, "CreateAccessKey");
        assertEquals("iam.amazonaws.com", created.get("eventSource").asText());
        assertEquals("127.0.0.1", created.get("sourceIPAddress").asText());
        assertTrue(created.get("userAgent").asText().contains("aws-sdk-java"), created.get("userAgent").asText());
        assertEquals("arn:aws:iam::" + ACCOUNT + ":user/kms-admin", created.get("userIdentity").get("arn").asText());
        assertEquals("dave", created.get("requestParameters").get("userName").asText());
        assertFalse(created.get("requestID").asText().isEmpty());
        JsonNode failed = lastEvent(events, "GetUser");
        assertEquals("NotFoundException", failed.get("errorCode").asText());
    }

    /** The last event named {@code name} among the trail's JSON lines. */
    private static JsonNode lastEvent(String trail, String name) throws Exception {
        JsonNode last = null;
        for (String line : trail.split("\n")) {
            if (line.contains("\"eventName\":\"" + name + "\"")) {
                JsonNode record = Params.MAPPER.readTree(line);
                last = record.has("event") ? record.get("event") : record;
            }
        }
        if (last == null) {
            throw new AssertionError("no " + name + " event in the trail");
        }
        return last;
    }
}
