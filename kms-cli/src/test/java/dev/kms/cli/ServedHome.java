package dev.kms.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.kms.node.NodeConfig;
import dev.kms.server.BootstrapAdministrator;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The real product for clients no one here wrote: {@code kms server}, run in-process as {@code kms --home HOME
 * server --port 0}, over a KMS_HOME of its own (a fresh SoftHSM2 token, the SQLite file and the audit trail, see
 * {@link CliFixture}), and AWS SDK KmsClients pointed at it. Started once per test class, since a token and a
 * server cost seconds. The IAM users are made on KMS_HOME before the server starts (the running server holds the
 * audit trail's lock); each has an identity policy allowing every kms action, so that a refusal they get is the
 * key policy's.
 */
final class ServedHome implements AutoCloseable {
    static final String ACCOUNT = CliFixture.ACCOUNT;
    private static final String ALL_KMS_ACTIONS = """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}""";

    final CliFixture kms;
    final String region;
    /** The bootstrap administrator's access key, as the server wrote it to KMS_HOME/bootstrap-credentials. */
    final AwsBasicCredentials administrator;
    final URI endpoint;
    private final Map<String, AwsBasicCredentials> users;
    private final List<KmsClient> clients = new ArrayList<>();
    private final InProcessServer server;

    private ServedHome(CliFixture kms, String region, Map<String, AwsBasicCredentials> users) throws Exception {
        this.kms = kms;
        this.region = region;
        this.users = users;
        server = new InProcessServer(kms, "kms-server-" + region);
        endpoint = server.endpoint;
        administrator = bootstrapCredentials(kms.home.resolve(BootstrapAdministrator.FILE_NAME));
    }

    /** Serves a new KMS_HOME under {@code home} in {@code region}, with the IAM users {@code userNames}. */
    static ServedHome start(Path home, String region, String... userNames) throws Exception {
        CliFixture kms = CliFixture.create(home);
        kms.writeConfig(NodeConfig.PIN_FILE + "=user.pin", NodeConfig.REGION + "=" + region);
        Map<String, AwsBasicCredentials> users = new HashMap<>();
        for (String name : userNames) {
            kms.ok("iam", "create-user", "--user-name", name);
            kms.ok("iam", "put-user-policy", "--user-name", name, "--policy-name", "all-kms", "--policy-document",
                    ALL_KMS_ACTIONS);
            JsonNode key = kms.ok("iam", "create-access-key", "--user-name", name).get("AccessKey");
            users.put(name, AwsBasicCredentials.create(key.get("AccessKeyId").asText(),
                    key.get("SecretAccessKey").asText()));
        }
        return new ServedHome(kms, region, users);
    }

    static String userArn(String name) {
        return "arn:aws:iam::" + ACCOUNT + ":user/" + name;
    }

    String keyArnPrefix() {
        return "arn:aws:kms:" + region + ":" + ACCOUNT + ":key/";
    }

    AwsBasicCredentials user(String name) {
        return users.get(name);
    }

    /**
     * The AWS SDK's KMS client, unchanged but for endpoint and credentials, signing for the server's region;
     * {@link #close} closes it at the latest.
     */
    KmsClient client(AwsBasicCredentials credentials) {
        return client(credentials, region);
    }

    KmsClient client(AwsBasicCredentials credentials, String signingRegion) {
        KmsClient client = KmsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.of(signingRegion))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(credentials))
                .build();
        clients.add(client);
        return client;
    }

    /**
     * The trail's events (the CloudTrail records) matching the lookup attributes {@code keysAndValues} (key,
     * value, key, value...), newest first, through {@code kms audit lookup-events}, which reads the files the
     * running server writes.
     */
    List<JsonNode> auditEvents(String... keysAndValues) {
        List<String> args = new ArrayList<>(List.of("audit", "lookup-events", "--lookup-attributes"));
        for (int i = 0; i < keysAndValues.length; i += 2) {
            args.add("AttributeKey=" + keysAndValues[i] + ",AttributeValue=" + keysAndValues[i + 1]);
        }
        List<JsonNode> events = new ArrayList<>();
        String nextToken = null;
        do {
            List<String> page = new ArrayList<>(args);
            if (nextToken != null) {
                page.addAll(List.of("--next-token", nextToken));
            }
            JsonNode result = kms.ok(page.toArray(String[]::new));
            for (JsonNode entry : result.get("Events")) {
                events.add(parse(entry.get("CloudTrailEvent").asText()));
            }
            nextToken = result.hasNonNull("NextToken") ? result.get("NextToken").asText() : null;
        } while (nextToken != null);
        return events;
    }

    /** The one event the server recorded for the request the SDK saw as {@code requestId}. */
    JsonNode auditEventOf(String eventName, String requestId) {
        List<JsonNode> matching = auditEvents("EventName", eventName).stream()
                .filter(e -> requestId.equals(e.path("requestID").asText()))
                .toList();
        assertEquals(1, matching.size(), () -> eventName + " events with requestID " + requestId + ": " + matching);
        return matching.get(0);
    }

    /**
     * Closes the clients it made, then stops the server as SIGTERM does; it must stop cleanly, print nothing on
     * stdout and never a PIN.
     */
    @Override
    public void close() throws Exception {
        clients.forEach(KmsClient::close);
        server.stopCleanly();
        String userPin = new String(kms.token.userPin());
        String soPin = new String(kms.token.soPin());
        List<String> outputs = new ArrayList<>(List.of(server.err.toString()));
        kms.results.forEach(r -> outputs.addAll(List.of(r.out(), r.err())));
        for (String output : outputs) {
            assertFalse(output.contains(userPin) || output.contains(soPin), "a PIN was printed");
        }
    }

    private static AwsBasicCredentials bootstrapCredentials(Path file) {
        Map<String, String> values = new HashMap<>();
        try {
            Files.readAllLines(file).stream().filter(l -> l.contains(" = "))
                    .forEach(l -> values.put(l.substring(0, l.indexOf(" = ")), l.substring(l.indexOf(" = ") + 3)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return AwsBasicCredentials.create(values.get("aws_access_key_id"), values.get("aws_secret_access_key"));
    }

    private static JsonNode parse(String json) {
        try {
            return Params.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
