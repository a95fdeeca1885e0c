package dev.kms.server;

import dev.kms.core.error.ErrorCode;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.server.handler.QoSHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The KMS HTTP server: a thin Jetty 12 adapter (core handler API, HTTP/1.1 with keep-alive, plain or over TLS) around
 * {@link ApiEndpoint}. Bounded worker pool and queue, a body cap, {@code x-amzn-RequestId} and a {@code Date}
 * from the service clock on every response (SDKs correct their clock skew from it), Prometheus metrics at
 * {@code GET /metrics} ({@link ServerMetrics}; loopback clients only unless {@link MetricsAccess#ANY}), and a
 * graceful stop that lets in-flight requests finish.
 */
public final class KmsHttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KmsHttpServer.class);

    /** Who may read {@code GET /metrics} (unauthenticated, like Prometheus scrapes are). */
    public enum MetricsAccess {
        /** Clients on a loopback address only: a scraper on the same host, or a local proxy in front. */
        LOOPBACK,
        /** Any client that reaches the port; for a scraper on another host of a trusted network. */
        ANY
    }

    /**
     * Where and how to listen. {@code port} 0 picks a free port. The body cap defaults to 64 KiB: the largest
     * legitimate request (a 6144-byte CiphertextBlob in base64, or a 32 KB key policy, with its other members)
     * stays far below it. A request's line and headers, and then its body, must each arrive within
     * {@code readTimeout}. {@code tls} null serves plain HTTP.
     */
    public record Options(String host, int port, int maxThreads, int maxConcurrentRequests, int maxQueuedRequests,
                          Duration maxQueueWait, int maxBodyBytes, Duration readTimeout, Duration stopTimeout,
                          Duration idleTimeout, MetricsAccess metricsAccess, TlsCredentials tls) {
        public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;
        /** Generous for any client that sends its request at once, as every AWS SDK does. */
        public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);

        public Options {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(metricsAccess, "metricsAccess");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535");
            }
            if (maxThreads < 8) {
                throw new IllegalArgumentException("maxThreads must be at least 8 (Jetty needs some for I/O)");
            }
            if (maxConcurrentRequests < 1 || maxQueuedRequests < 0) {
                throw new IllegalArgumentException("maxConcurrentRequests must be at least 1, maxQueuedRequests 0 or more");
            }
            if (maxBodyBytes < 1) {
                throw new IllegalArgumentException("maxBodyBytes must be at least 1");
            }
            for (Duration d : new Duration[] {maxQueueWait, readTimeout, stopTimeout, idleTimeout}) {
                if (d == null || d.isNegative() || d.isZero()) {
                    throw new IllegalArgumentException(
                            "maxQueueWait, readTimeout, stopTimeout and idleTimeout must be positive");
                }
            }
        }

        /**
         * Loopback, the given port, 64 worker threads, 48 requests at once with 1024 more waiting up to 2 s,
         * 64 KiB bodies, 10 s to receive a request's headers and then its body, 30 s to drain on stop, idle
         * connections closed after 60 s, plain HTTP, metrics for loopback clients.
         */
        public static Options defaults(int port) {
            return new Options("127.0.0.1", port, 64, 48, 1024, Duration.ofSeconds(2), DEFAULT_MAX_BODY_BYTES,
                    DEFAULT_READ_TIMEOUT, Duration.ofSeconds(30), Duration.ofSeconds(60), MetricsAccess.LOOPBACK, null);
        }

        public Options withHost(String newHost) {
            return new Options(newHost, port, maxThreads, maxConcurrentRequests, maxQueuedRequests, maxQueueWait,
                    maxBodyBytes, readTimeout, stopTimeout, idleTimeout, metricsAccess, tls);
        }

        /** HTTPS with these credentials (TLS 1.2 and 1.3), or plain HTTP for null. */
        public Options withTls(TlsCredentials credentials) {
            return new Options(host, port, maxThreads, maxConcurrentRequests, maxQueuedRequests, maxQueueWait,
                    maxBodyBytes, readTimeout, stopTimeout, idleTimeout, metricsAccess, credentials);
        }

        public Options withStopTimeout(Duration timeout) {
            return new Options(host, port, maxThreads, maxConcurrentRequests, maxQueuedRequests, maxQueueWait,
                    maxBodyBytes, readTimeout, timeout, idleTimeout, metricsAccess, tls);
        }

        public Options withReadTimeout(Duration timeout) {
            return new Options(host, port, maxThreads, maxConcurrentRequests, maxQueuedRequests, maxQueueWait,
                    maxBodyBytes, timeout, stopTimeout, idleTimeout, metricsAccess, tls);
        }

        public Options withConcurrency(int concurrent, int queued, Duration queueWait) {
            return new Options(host, port, maxThreads, concurrent, queued, queueWait, maxBodyBytes, readTimeout,
                    stopTimeout, idleTimeout, metricsAccess, tls);
        }

        public Options withMetricsAccess(MetricsAccess access) {
            return new Options(host, port, maxThreads, maxConcurrentRequests, maxQueuedRequests, maxQueueWait,
                    maxBodyBytes, readTimeout, stopTimeout, idleTimeout, access, tls);
        }
    }

    private final Server server;
    private final ServerConnector connector;
    private final ServerMetrics metrics;
    private final boolean secure;

    public KmsHttpServer(Options options, ApiEndpoint endpoint, Clock clock) {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(clock, "clock");
        if (endpoint.maxBodyBytes() != options.maxBodyBytes()) {
            throw new IllegalArgumentException("the endpoint's body cap must be the server's");
        }
        QueuedThreadPool pool = new QueuedThreadPool(options.maxThreads(), 8, (int) options.idleTimeout().toMillis());
        pool.setName("kms-http");
        server = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setSendDateHeader(false); // the service clock's Date is sent instead, see HttpAnswers
        if (options.tls() == null) {
            connector = new ServerConnector(server, new HttpConnectionFactory(http));
        } else {
            // Clients often connect by IP address, so the SNI host is not required to match the certificate.
            http.addCustomizer(new SecureRequestCustomizer(false));
            SslContextFactory.Server tls = new SslContextFactory.Server();
            tls.setSslContext(options.tls().sslContext());
            tls.setIncludeProtocols("TLSv1.3", "TLSv1.2");
            connector = new ServerConnector(server, new SslConnectionFactory(tls, HttpVersion.HTTP_1_1.asString()),
                    new HttpConnectionFactory(http));
        }
        secure = options.tls() != null;
        connector.setHost(options.host());
        connector.setPort(options.port());
        connector.setIdleTimeout(options.idleTimeout().toMillis());
        server.addConnector(connector);
        // Work is bounded by admission rather than by the pool's queue (Jetty's own tasks share that queue):
        // at most maxConcurrentRequests run, maxQueuedRequests wait up to maxQueueWait, the rest are throttled.
        // A request is admitted only once its whole body has arrived (BodyFirstHandler), so slow clients hold
        // connections, never slots; health and metrics are answered before admission.
        QoSHandler admission = new QoSHandler();
        metrics = new ServerMetrics(admission::getSuspendedRequestCount);
        HttpAnswers answers = new HttpAnswers(new HttpDateHeader(clock), metrics);
        admission.setHandler(new ApiHandler(endpoint, answers, metrics));
        admission.setMaxRequestCount(options.maxConcurrentRequests());
        admission.setMaxSuspendedRequestCount(options.maxQueuedRequests());
        admission.setMaxSuspend(options.maxQueueWait());
        admission.setRejectStatusCode(AwsErrorHandler.THROTTLED);
        HeaderDeadline headerDeadline = new HeaderDeadline(server.getScheduler(), options.readTimeout());
        connector.addEventListener(headerDeadline);
        server.addBean(headerDeadline);
        server.setHandler(new GracefulHandler(new BodyFirstHandler(admission, endpoint, answers, metrics,
                options.metricsAccess(), headerDeadline, server.getScheduler(), options.readTimeout())));
        server.setErrorHandler(new AwsErrorHandler(answers));
        server.setStopTimeout(options.stopTimeout().toMillis());
        server.setStopAtShutdown(false);
    }

    /** Binds and starts serving. */
    public KmsHttpServer start() {
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the HTTP server on " + connector.getHost() + ":"
                    + connector.getPort() + ": " + e.getMessage(), e);
        }
        LOG.info("KMS HTTP server listening on {}", endpoint());
        return this;
    }

    /** The metrics served at {@code GET /metrics}, to add the meters of parts the server does not see (the HSM). */
    public ServerMetrics metrics() {
        return metrics;
    }

    /** The port bound, once started (the ephemeral one when 0 was asked for). */
    public int port() {
        return connector.getLocalPort();
    }

    /** {@code http://host:port} or {@code https://host:port}, for clients' endpoint override. */
    public URI endpoint() {
        String host = connector.getHost() == null ? "127.0.0.1" : connector.getHost();
        return URI.create((secure ? "https://" : "http://") + (host.contains(":") ? "[" + host + "]" : host) + ":"
                + port());
    }

    /** Stops accepting, lets in-flight requests finish for up to the stop timeout, then closes. */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("the HTTP server did not stop cleanly", e);
        }
    }

    /** The processing step, once admitted: the endpoint answers the request whose body BodyFirstHandler read. */
    private static final class ApiHandler extends Handler.Abstract {
        private final ApiEndpoint endpoint;
        private final HttpAnswers answers;
        private final ServerMetrics metrics;

        ApiHandler(ApiEndpoint endpoint, HttpAnswers answers, ServerMetrics metrics) {
            this.endpoint = endpoint;
            this.answers = answers;
            this.metrics = metrics;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            metrics.started();
            try {
                ApiEndpoint.Answer answer = endpoint.handle(call(request, BodyFirstHandler.body(request)),
                        ApiEndpoint.newRequestId());
                answers.api(request, response, callback, answer, false);
            } finally {
                metrics.finished();
            }
            return true;
        }

        private static ApiEndpoint.Call call(Request request, byte[] body) {
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (HttpField field : request.getHeaders()) {
                headers.computeIfAbsent(field.getName(), n -> new ArrayList<>()).add(field.getValue());
            }
            return new ApiEndpoint.Call(request.getMethod(), request.getHttpURI().getPath(),
                    request.getHttpURI().getQuery(), headers, body, Request.getRemoteAddr(request));
        }
    }

    /**
     * Errors Jetty raises itself (throttled admission, unparseable HTTP, oversized headers, a read timeout) in the
     * AWS error body instead of an HTML page. What a client sent wrong stays a 4xx (505 for an HTTP version Jetty
     * does not speak); only a fault of the server's own is a 5xx.
     */
    private static final class AwsErrorHandler extends ErrorHandler {
        /** The status the admission handler rejects with; answered as 400 ThrottlingException as AWS does. */
        static final int THROTTLED = 429;
        private final HttpAnswers answers;

        AwsErrorHandler(HttpAnswers answers) {
            this.answers = answers;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            int status = response.getStatus();
            String requestId = ApiEndpoint.newRequestId();
            ApiEndpoint.Answer answer = switch (status) {
                case THROTTLED -> ApiEndpoint.error(ErrorCode.THROTTLING, requestId, "Rate exceeded");
                case 413, 431 -> ApiEndpoint.error(ErrorCode.REQUEST_TOO_LARGE, requestId, "The request is too large.");
                case 408 -> ApiEndpoint.timedOut(requestId);
                case 505 -> ApiEndpoint.error(ErrorCode.HTTP_VERSION_NOT_SUPPORTED, requestId,
                        "The request's HTTP version is not supported; use HTTP/1.1.");
                case 503 -> ApiEndpoint.error(ErrorCode.SERVICE_UNAVAILABLE, requestId,
                        "The service failed to process the request.");
                case 500 -> ApiEndpoint.error(ErrorCode.INTERNAL, requestId, "The service failed to process the request.");
                // Jetty's own 4xx (414, 426, ...) is kept: the status says more than a plain 400 would.
                default -> ApiEndpoint.error(status >= 400 && status < 500 ? status : 400, ErrorCode.SERIALIZATION,
                        requestId, "The request could not be parsed as HTTP.");
            };
            if (ApiEndpoint.isHealthCheck(request.getMethod(), request.getHttpURI().getPath())) {
                answers.unrecorded(response, callback, answer);
            } else {
                answers.api(request, response, callback, answer, status != THROTTLED);
            }
            return true;
        }
    }
}
