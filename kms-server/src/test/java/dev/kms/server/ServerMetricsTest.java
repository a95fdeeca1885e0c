package dev.kms.server;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.NotFoundException;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code GET /metrics}: Prometheus text through Micrometer; the counters move with the API's requests. */
class ServerMetricsTest extends ServerFixtureTestBase {
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    KmsClient client(URI endpoint) {
        return KmsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(ServerFixture.ROOT_KEY, ServerFixture.ROOT_SECRET)))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    HttpResponse<String> scrape(URI endpoint) throws Exception {
        return http.send(HttpRequest.newBuilder(endpoint.resolve("/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    String metrics() throws Exception {
        HttpResponse<String> response = scrape(fixture.server.endpoint());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    /** The value of the sample {@code name} whose labels include {@code labels}; empty if there is none. */
    static Optional<Double> sample(String exposition, String name, Map<String, String> labels) {
        return exposition.lines()
                .filter(line -> !line.startsWith("#"))
                .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .filter(line -> labels.entrySet().stream()
                        .allMatch(l -> line.contains(l.getKey() + "=\"" + l.getValue() + "\"")))
                .map(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst();
    }

    @Test
    void metrics_fromLoopback_isPrometheusText() throws Exception {
        fixture = new ServerFixture();
        HttpResponse<String> response = scrape(fixture.server.endpoint());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain; version=0.0.4"));
        assertEquals(Optional.of(0.0), sample(response.body(), "kms_requests_in_flight", Map.of()));
        assertEquals(Optional.of(0.0), sample(response.body(), "kms_requests_queued", Map.of()));
    }

    @Test
    void requests_countAndTimePerOperation_andCountErrorsByType() throws Exception {
        fixture = new ServerFixture();
        try (KmsClient kms = client(fixture.server.endpoint())) {
            kms.listKeys(r -> { });
            kms.listKeys(r -> { });
            assertThrows(NotFoundException.class, () -> kms.describeKey(r -> r.keyId(UUID.randomUUID().toString())));
        }
        String text = metrics();

        assertEquals(Optional.of(2.0), sample(text, "kms_requests_seconds_count", Map.of("operation", "ListKeys")));
        assertEquals(Optional.of(1.0), sample(text, "kms_requests_seconds_count", Map.of("operation", "DescribeKey")));
        assertTrue(sample(text, "kms_requests_seconds_sum", Map.of("operation", "ListKeys")).orElseThrow() > 0);
        assertEquals(Optional.of(2.0), sample(text, "kms_requests_seconds_bucket",
                Map.of("operation", "ListKeys", "le", "5.0")));
        assertEquals(Optional.of(1.0), sample(text, "kms_errors_total",
                Map.of("operation", "DescribeKey", "type", "NotFoundException")));
        assertEquals(Optional.empty(), sample(text, "kms_errors_total", Map.of("operation", "ListKeys")));
    }

    @Test
    void errors_ofAuthentication_areCounted_andMadeUpTargetsAreNotLabels() throws Exception {
        fixture = new ServerFixture();
        try (KmsClient wrongSecret = KmsClient.builder()
                .endpointOverride(fixture.server.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(ServerFixture.ROOT_KEY, "not-the-secret")))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build()) {
            assertThrows(KmsException.class, () -> wrongSecret.listKeys(r -> { }));
        }
        http.send(HttpRequest.newBuilder(fixture.server.endpoint().resolve("/"))
                .header("Content-Type", "application/x-amz-json-1.1")
                .header("X-Amz-Target", "TrentService.Launch" + UUID.randomUUID())
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        String text = metrics();

        assertEquals(Optional.of(1.0), sample(text, "kms_errors_total",
                Map.of("operation", "ListKeys", "type", "InvalidSignatureException")));
        // A made-up target is not a label: clients cannot grow the label set.
        assertEquals(Optional.of(1.0), sample(text, "kms_errors_total",
                Map.of("operation", "unknown", "type", "MissingAuthenticationToken")));
        assertTrue(text.lines().noneMatch(l -> l.contains("Launch")), text);
    }

    @Test
    void inFlight_countsTheRequestBeingProcessed() throws Exception {
        HeldCalls held = new HeldCalls();
        fixture = new ServerFixture(held);
        try (KmsClient kms = client(fixture.server.endpoint())) {
            CompletableFuture<?> call = CompletableFuture.runAsync(() -> kms.listKeys(r -> { }));
            assertTrue(held.entered());
            assertEquals(Optional.of(1.0), sample(metrics(), "kms_requests_in_flight", Map.of()));
            held.release();
            call.get(10, TimeUnit.SECONDS);
        }
        assertEquals(Optional.of(0.0), sample(metrics(), "kms_requests_in_flight", Map.of()));
    }

    /** A client on another address: refused by default (as an unknown path), served when configured. */
    @Test
    void metrics_fromANonLoopbackAddress_onlyWhenAllowed() throws Exception {
        InetAddress external = nonLoopbackAddress();
        Assumptions.assumeTrue(external != null, "this host has no non-loopback IPv4 address");
        KmsHttpServer.Options anyHost = KmsHttpServer.Options.defaults(0).withHost(external.getHostAddress())
                .withStopTimeout(Duration.ofSeconds(5));

        fixture = new ServerFixture(anyHost, null);
        HttpResponse<String> refused = scrape(fixture.server.endpoint());
        assertEquals(404, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("UnknownOperationException"), refused.body());
        fixture.close();

        fixture = new ServerFixture(anyHost.withMetricsAccess(KmsHttpServer.MetricsAccess.ANY), null);
        assertEquals(200, scrape(fixture.server.endpoint()).statusCode());
    }

    static InetAddress nonLoopbackAddress() throws Exception {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (address instanceof Inet4Address && !address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
                    return address;
                }
            }
        }
        return null;
    }
}
