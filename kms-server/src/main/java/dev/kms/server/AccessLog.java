package dev.kms.server;

import dev.kms.core.identity.Principal;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One INFO line per answered API request on the logger {@value #LOGGER}, as key-value pairs: requestId,
 * operation, status, errorType, the caller's principal ARN and account once authenticated, sourceIp, userAgent
 * and latencyMs (arrival to answer, as the metrics time it). Never a header value other than the user agent,
 * never a body: no credentials, plaintexts, ciphertexts or data keys. Nothing is built while INFO is off.
 */
final class AccessLog {
    static final String LOGGER = "dev.kms.server.access";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    void record(Request request, String operation, ApiEndpoint.Answer answer) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        double latencyMs = Math.max(0, System.nanoTime() - request.getBeginNanoTime()) / 1e6;
        LoggingEventBuilder line = LOG.atInfo()
                .setMessage("request")
                .addKeyValue("requestId", answer.requestId())
                .addKeyValue("operation", operation)
                .addKeyValue("status", answer.status());
        if (answer.errorType() != null) {
            line.addKeyValue("errorType", answer.errorType());
        }
        Principal principal = answer.principal();
        if (principal != null) {
            line.addKeyValue("principal", principal.arn()).addKeyValue("account", principal.accountId());
        }
        line.addKeyValue("sourceIp", Request.getRemoteAddr(request));
        String userAgent = request.getHeaders().get(HttpHeader.USER_AGENT);
        if (userAgent != null) {
            line.addKeyValue("userAgent", userAgent);
        }
        line.addKeyValue("latencyMs", latencyMs).log();
    }
}
