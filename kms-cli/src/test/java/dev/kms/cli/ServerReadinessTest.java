package dev.kms.cli;

import dev.kms.node.KmsHome;
import dev.kms.node.KmsNode;
import dev.kms.pkcs11.Pkcs11Hsm;
import dev.kms.server.ApiEndpoint;
import dev.kms.server.AuthenticatorCredentials;
import dev.kms.server.KmsHttpServer;
import dev.kms.wire.SigV4Verifier;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code GET /healthz} of the server wired as {@code kms server} wires it (KmsNode::ready over SoftHSM2,
 * SQLite and the audit trail) fails closed: 503 when the token gives no session or the trail cannot be written.
 */
class ServerReadinessTest extends CliTestBase {
    private static final String NOT_READY = "{\"status\":\"unavailable\"}";

    private final HttpClient http = HttpClient.newHttpClient();

    private static KmsHttpServer serve(KmsNode session) {
        KmsHttpServer.Options options = KmsHttpServer.Options.defaults(0);
        Clock clock = Clock.systemUTC();
        ApiEndpoint endpoint = new ApiEndpoint(session::call, new SigV4Verifier(session.kms().deployment().region(),
                clock, new AuthenticatorCredentials(session.identity().authenticator())), session::ready,
                options.maxBodyBytes());
        return new KmsHttpServer(options, endpoint, clock).start();
    }

    private HttpResponse<String> health(KmsHttpServer server) throws Exception {
        return http.send(HttpRequest.newBuilder(server.endpoint().resolve("/healthz")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthz_whenNoHsmSessionCanBeHad_is503() throws Exception {
        // A session without a trail, so closing it needs no token.
        try (KmsNode session = KmsNode.openForAuditReading(KmsHome.resolve(home, kms.env), kms.env);
             KmsHttpServer server = serve(session)) {
            assertEquals(200, health(server).statusCode());

            ((Pkcs11Hsm) session.hsm()).close(); // the pool's sessions are closed underneath the server

            HttpResponse<String> down = health(server);
            assertEquals(503, down.statusCode());
            assertEquals(NOT_READY, down.body());
        }
    }

    @Test
    void healthz_whenTheAuditDirectoryIsGone_is503_untilItIsBack() throws Exception {
        try (KmsNode session = KmsNode.open(KmsHome.resolve(home, kms.env), kms.env);
             KmsHttpServer server = serve(session)) {
            assertEquals(200, health(server).statusCode());
            Path audit = session.auditDirectory();
            Path moved = audit.resolveSibling("audit.moved");

            Files.move(audit, moved);
            HttpResponse<String> down = health(server);
            Files.move(moved, audit);

            assertEquals(503, down.statusCode());
            assertEquals(NOT_READY, down.body());
            assertEquals(200, health(server).statusCode());
        }
    }
}
