package dev.kms.server;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Content;
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
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

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
     * stays far below it. {@code tls} null serves plain HTTP.
     */
    public record Options(String host, int port, int maxThreads, int maxConcurrentRequests, int maxQueuedRequests,
                          Duration maxQueueWait, int maxBodyBytes, Duration stopTimeout, Duration idleTimeout,
                          MetricsAccess metricsAccess, TlsCredentials tls) {
        public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;

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
            for (Duration d : new Duration[] {maxQueueWait, stopTimeout, idleTimeout}) {
                if (d == null || d.isNegative() || d.isZero()) {
                    throw new IllegalArgumentException("maxQueueWait, stopTimeout and idleTimeout must be positive");
                }
            }
        }

        /** Plain HTTP, metrics for loopback clients only. */
        public Options(String host, int port, int maxThreads, int maxConcurrentRequests, int maxQueuedRequests,
                       Duration maxQueueWait, int maxBodyBytes, Duration stopTimeout, Duration idleTimeout) {
            this(host, port, maxThreads, maxConcurrentRequests, maxQueuedRequests, maxQueueWait, maxBodyBytes,
                    stopTimeout, idleTimeout, MetricsAccess.LOOPBACK, null);
        }

        /**
         * Loopback, the given port, 64 worker threads, 48 requests at once with 1024 more waiting up to 2 s,
         * 64 KiB bodies, 30 s to drain on stop, metrics for loopback clients.
         */
        public static Options defaults(int port) {
            return new Options("127.0.0.1", port, 64, 48, 1024, Duration.ofSeconds(2), DEFAULT_MAX_BODY_BYTES,
                    Duration.ofSeconds(30), Duration.ofSeconds(60));
        }

        public Options withHost(String newHost) {
            return new Options(newHost, port, maxThreads, maxConcurrentRequests, maxQueuedRequests, maxQueueWait,
                    maxBodyBytes, stopTimeout, idleTimeout, metricsAccess, tls);
        }

        /** HTTPS with these credentials (TLS 1.2 and 1.3), or plain HTTP for null. */
        public Options withTls(TlsCredentials credentials) {
            return new Options(host, port, maxThreads, maxConcurrentRequests, maxQueuedRequests, maxQueueWait,
                    maxBodyBytes, stopTimeout, idleTimeout, metricsAccess, credentials);
        }

        public Options withStopTimeout(Duration timeout) {
            return new Options(host, port, maxThreads, maxConcurrentRequests, maxQueuedRequests, maxQueueWait,
                    maxBodyBytes, timeout, idleTimeout, metricsAccess, tls);
        }

        public Options withConcurrency(int concurrent, int queued, Duration queueWait) {
            return new Options(host, port, maxThreads, concurrent, queued, queueWait, maxBodyBytes, stopTimeout,
                    idleTimeout, metricsAccess, tls);
        }

        public Options withMetricsAccess(MetricsAccess access) {
            return new Options(host, port, maxThreads, maxConcurrentRequests, maxQueuedRequests, maxQueueWait,
                    maxBodyBytes, stopTimeout, idleTimeout, access, tls);
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
        http.setSendDateHeader(false); // the service clock's Date is sent instead, see ApiHandler
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
        QoSHandler admission = new QoSHandler();
        metrics = new ServerMetrics(admission::getSuspendedRequestCount);
        HttpDateHeader date = new HttpDateHeader(clock);
        admission.setHandler(new ApiHandler(endpoint, date, metrics, options.metricsAccess()));
        admission.setMaxRequestCount(options.maxConcurrentRequests());
        admission.setMaxSuspendedRequestCount(options.maxQueuedRequests());
        admission.setMaxSuspend(options.maxQueueWait());
        admission.setRejectStatusCode(AwsErrorHandler.THROTTLED);
        server.setHandler(new GracefulHandler(admission));
        server.setErrorHandler(new AwsErrorHandler(date, metrics));
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

    /** The Jetty side: read headers and a capped body, let the endpoint answer, write the answer. */
    private static final class ApiHandler extends Handler.Abstract {
        private final ApiEndpoint endpoint;
        private final HttpDateHeader date;
        private final ServerMetrics metrics;
        private final MetricsAccess metricsAccess;
        private final AccessLog accessLog = new AccessLog();

        ApiHandler(ApiEndpoint endpoint, HttpDateHeader date, ServerMetrics metrics, MetricsAccess metricsAccess) {
            this.endpoint = endpoint;
            this.date = date;
            this.metrics = metrics;
            this.metricsAccess = metricsAccess;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String requestId = ApiEndpoint.newRequestId();
            String method = request.getMethod();
            String path = request.getHttpURI().getPath();
            if (ApiEndpoint.isHealthCheck(method, path)) {
                write(date, response, callback, endpoint.handle(call(request, method, path, new byte[0]), requestId),
                        false);
                return true;
            }
            if (isMetricsScrape(method, path) && metricsAllowed(request)) {
                byte[] body = metrics.scrape().getBytes(StandardCharsets.UTF_8);
                write(date, response, callback, 200, ServerMetrics.CONTENT_TYPE, requestId, null, body, false);
                return true;
            }
            String operation = metrics.operation(request.getHeaders().get("X-Amz-Target"));
            metrics.started();
            try {
                ApiEndpoint.Answer answer = answer(request, method, path, requestId, callback);
                if (answer != null) {
                    String label = answer.operation() != null ? answer.operation() : operation;
                    metrics.record(label, answer.errorType(), request.getBeginNanoTime());
                    accessLog.record(request, label, answer);
                    write(date, response, callback, answer, answer.status() == 413);
                }
            } finally {
                metrics.finished();
            }
            return true;
        }

        /** The endpoint's answer, or null when the request failed underneath (the callback has been failed). */
        private ApiEndpoint.Answer answer(Request request, String method, String path, String requestId,
                                          Callback callback) {
            if (request.getLength() > endpoint.maxBodyBytes()) {
                return endpoint.tooLarge(requestId);
            }
            byte[] body;
            try {
                // Blocking is fine here: the handler runs on a worker thread of the bounded pool.
                CompletableFuture<byte[]> read = new CompletableFuture<>();
                Content.Source.asByteArrayAsync(request, endpoint.maxBodyBytes(), Promise.Invocable.toPromise(read));
                body = read.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                callback.failed(e);
                return null;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IOException) {
                    callback.failed(e.getCause()); // the client went away mid-body
                    return null;
                }
                return endpoint.tooLarge(requestId); // a body without Content-Length that grew past the cap
            }
            return endpoint.handle(call(request, method, path, body), requestId);
        }

        static boolean isMetricsScrape(String method, String path) {
            return "GET".equals(method) && "/metrics".equals(path);
        }

        /** Anyone else gets the endpoint's answer to an unknown path, so the page's existence is not revealed. */
        private boolean metricsAllowed(Request request) {
            if (metricsAccess == MetricsAccess.ANY) {
                return true;
            }
            SocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress();
            return remote instanceof InetSocketAddress inet && inet.getAddress() != null
                    && inet.getAddress().isLoopbackAddress();
        }

        private static ApiEndpoint.Call call(Request request, String method, String path, byte[] body) {
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (HttpField field : request.getHeaders()) {
                headers.computeIfAbsent(field.getName(), n -> new ArrayList<>()).add(field.getValue());
            }
            return new ApiEndpoint.Call(method, path, request.getHttpURI().getQuery(), headers, body,
                    Request.getRemoteAddr(request));
        }

        static void write(HttpDateHeader date, Response response, Callback callback, ApiEndpoint.Answer answer,
                          boolean close) {
            write(date, response, callback, answer.status(), answer.contentType(), answer.requestId(),
                    answer.errorType(), answer.body(), close);
        }

        static void write(HttpDateHeader date, Response response, Callback callback, int status, String contentType,
                          String requestId, String errorType, byte[] body, boolean close) {
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
            response.getHeaders().put("x-amzn-RequestId", requestId);
            response.getHeaders().put(date.now());
            if (errorType != null) {
                response.getHeaders().put("x-amzn-ErrorType", errorType);
            }
            if (close) {
                // The unread rest of an oversized body would otherwise be parsed as the next request.
                response.getHeaders().put(HttpHeader.CONNECTION, "close");
            }
            response.write(true, ByteBuffer.wrap(body), callback);
        }
    }

    /**
     * Errors Jetty raises itself (throttled admission, unparseable HTTP, oversized headers) in the AWS error body
     * instead of an HTML page.
     */
    private static final class AwsErrorHandler extends ErrorHandler {
        /** The status the admission handler rejects with; answered as 400 ThrottlingException as AWS does. */
        static final int THROTTLED = 429;
        private final HttpDateHeader date;
        private final ServerMetrics metrics;
        private final AccessLog accessLog = new AccessLog();

        AwsErrorHandler(HttpDateHeader date, ServerMetrics metrics) {
            this.date = date;
            this.metrics = metrics;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            int status = response.getStatus();
            ApiEndpoint.Answer answer;
            String requestId = ApiEndpoint.newRequestId();
            if (status == THROTTLED) {
                answer = ApiEndpoint.error(400, requestId, "ThrottlingException", "Rate exceeded");
            } else if (status == 413 || status == 431) {
                answer = ApiEndpoint.error(413, requestId, "RequestEntityTooLargeException",
                        "The request is too large.");
            } else if (status >= 500) {
                answer = ApiEndpoint.error(status == 503 ? 503 : 500, requestId,
                        status == 503 ? "ServiceUnavailableException" : "KMSInternalException",
                        "The service failed to process the request.");
            } else {
                answer = ApiEndpoint.error(status < 400 ? 400 : status, requestId, "SerializationException",
                        "The request could not be parsed as HTTP.");
            }
            if (!ApiEndpoint.isHealthCheck(request.getMethod(), request.getHttpURI().getPath())) {
                String operation = metrics.operation(request.getHeaders().get("X-Amz-Target"));
                metrics.record(operation, answer.errorType(), request.getBeginNanoTime());
                accessLog.record(request, operation, answer);
            }
            ApiHandler.write(date, response, callback, answer, status != THROTTLED);
            return true;
        }
    }
}
