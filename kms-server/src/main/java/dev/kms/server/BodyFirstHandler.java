package dev.kms.server;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.Scheduler;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The handler in front of admission. {@code GET /healthz} and {@code GET /metrics} are answered at once, so they
 * never wait for a request slot. An API request's whole body is read without holding a thread before the request
 * is handed on to admission and processing: a client that sends its body slowly holds a connection, never a
 * processing slot. A body that has not arrived within the read timeout is answered 408, one over the cap 413.
 */
final class BodyFirstHandler extends Handler.Wrapper {
    private static final String BODY = BodyFirstHandler.class.getName() + ".body";

    private final ApiEndpoint endpoint;
    private final HttpAnswers answers;
    private final ServerMetrics metrics;
    private final KmsHttpServer.MetricsAccess metricsAccess;
    private final HeaderDeadline headerDeadline;
    private final Scheduler scheduler;
    private final Duration readTimeout;

    BodyFirstHandler(Handler admission, ApiEndpoint endpoint, HttpAnswers answers, ServerMetrics metrics,
                     KmsHttpServer.MetricsAccess metricsAccess, HeaderDeadline headerDeadline, Scheduler scheduler,
                     Duration readTimeout) {
        super(admission);
        this.endpoint = endpoint;
        this.answers = answers;
        this.metrics = metrics;
        this.metricsAccess = metricsAccess;
        this.headerDeadline = headerDeadline;
        this.scheduler = scheduler;
        this.readTimeout = readTimeout;
    }

    /** The body this handler read, for the handlers after it. */
    static byte[] body(Request request) {
        return (byte[]) request.getAttribute(BODY);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        headerDeadline.requestReceived(request);
        String method = request.getMethod();
        String path = request.getHttpURI().getPath();
        if (ApiEndpoint.isHealthCheck(method, path)) {
            answers.unrecorded(response, callback, endpoint.health(ApiEndpoint.newRequestId()));
            return true;
        }
        if ("GET".equals(method) && "/metrics".equals(path) && metricsAllowed(request)) {
            byte[] scrape = metrics.scrape().getBytes(StandardCharsets.UTF_8);
            answers.unrecorded(response, callback, new ApiEndpoint.Answer(200, ApiEndpoint.newRequestId(), null,
                    scrape, null, ServerMetrics.CONTENT_TYPE, null));
            return true;
        }
        if (request.getLength() > endpoint.maxBodyBytes()) {
            // The unread rest of the body would otherwise be parsed as the next request: close after answering.
            answers.api(request, response, callback, endpoint.tooLarge(ApiEndpoint.newRequestId()), true);
            return true;
        }
        new BodyRead(request, response, callback).start();
        return true;
    }

    /** Anyone else gets the endpoint's answer to an unknown path, so the page's existence is not revealed. */
    private boolean metricsAllowed(Request request) {
        if (metricsAccess == KmsHttpServer.MetricsAccess.ANY) {
            return true;
        }
        SocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress();
        return remote instanceof InetSocketAddress inet && inet.getAddress() != null
                && inet.getAddress().isLoopbackAddress();
    }

    /** One body being read: whichever comes first, the whole body or the deadline, settles the request. */
    private final class BodyRead {
        private final Request request;
        private final Response response;
        private final Callback callback;
        private final AtomicBoolean settled = new AtomicBoolean();
        private volatile Scheduler.Task deadline;

        BodyRead(Request request, Response response, Callback callback) {
            this.request = request;
            this.response = response;
            this.callback = callback;
        }

        void start() {
            Content.Source.asByteArrayAsync(request, endpoint.maxBodyBytes(),
                    Promise.Invocable.from(Invocable.InvocationType.BLOCKING, this::read));
            // A body that came with its headers has been read already: no timer for the common case.
            if (!settled.get()) {
                deadline = scheduler.schedule(this::expire, readTimeout.toNanos(), TimeUnit.NANOSECONDS);
            }
        }

        private void read(byte[] body, Throwable failure) {
            if (!settled.compareAndSet(false, true)) {
                return; // the deadline answered first
            }
            Scheduler.Task timer = deadline;
            if (timer != null) {
                timer.cancel();
            }
            if (failure == null) {
                request.setAttribute(BODY, body);
                handOn();
            } else if (failure instanceof TimeoutException) {
                // Jetty's idle timeout (the connection went quiet mid-body), or a stop that shortened it.
                answers.api(request, response, callback, ApiEndpoint.timedOut(ApiEndpoint.newRequestId()), true);
            } else if (failure instanceof IllegalStateException) {
                // What asByteArrayAsync fails with when a body without Content-Length grows past the cap.
                answers.api(request, response, callback, endpoint.tooLarge(ApiEndpoint.newRequestId()), true);
            } else {
                callback.failed(failure); // the client went away mid-body, or sent a malformed chunk
            }
        }

        private void expire() {
            if (!settled.compareAndSet(false, true)) {
                return;
            }
            request.fail(new TimeoutException("the request body did not arrive within " + readTimeout));
            answers.api(request, response, callback, ApiEndpoint.timedOut(ApiEndpoint.newRequestId()), true);
        }

        private void handOn() {
            try {
                if (!BodyFirstHandler.super.handle(request, response, callback)) {
                    Response.writeError(request, response, callback, 404);
                }
            } catch (Throwable t) {
                callback.failed(t);
            }
        }
    }
}
