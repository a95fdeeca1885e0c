package dev.kms.server;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;

/**
 * Writes answers on the Jetty side: every response carries {@code x-amzn-RequestId} and the service clock's
 * {@code Date}; an API answer is also counted in the metrics and logged as one access line, wherever in the
 * handler chain it was decided.
 */
final class HttpAnswers {
    private final HttpDateHeader date;
    private final ServerMetrics metrics;
    private final AccessLog accessLog = new AccessLog();

    HttpAnswers(HttpDateHeader date, ServerMetrics metrics) {
        this.date = date;
        this.metrics = metrics;
    }

    /**
     * An API request's answer, labelled by the operation it names (the body's Query action, else X-Amz-Target);
     * {@code close} ends the connection after it, for a request whose unread bytes must not be taken as the next.
     */
    void api(Request request, Response response, Callback callback, ApiEndpoint.Answer answer, boolean close) {
        String label = answer.operation() != null ? answer.operation()
                : metrics.operation(request.getHeaders().get("X-Amz-Target"));
        metrics.record(label, answer.errorType(), request.getBeginNanoTime());
        accessLog.record(request, label, answer);
        write(response, callback, answer.status(), answer.contentType(), answer.requestId(), answer.errorType(),
                answer.body(), close);
    }

    /** An answer outside the API (health, metrics), neither counted nor logged. */
    void unrecorded(Response response, Callback callback, ApiEndpoint.Answer answer) {
        write(response, callback, answer.status(), answer.contentType(), answer.requestId(), answer.errorType(),
                answer.body(), false);
    }

    private void write(Response response, Callback callback, int status, String contentType, String requestId,
                       String errorType, byte[] body, boolean close) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put("x-amzn-RequestId", requestId);
        response.getHeaders().put(date.now());
        if (errorType != null) {
            response.getHeaders().put("x-amzn-ErrorType", errorType);
        }
        if (close) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
