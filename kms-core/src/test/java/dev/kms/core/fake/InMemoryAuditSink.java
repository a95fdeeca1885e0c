package dev.kms.core.fake;

import dev.kms.core.audit.AuditEvent;
import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.port.AuditSink;

import java.util.ArrayList;
import java.util.List;

/**
 * An audit sink that keeps events in a list; tests can break its writes and its health, together or separately, to
 * check that callers fail closed.
 */
public final class InMemoryAuditSink implements AuditSink {
    private final List<AuditEvent> events = new ArrayList<>();
    private volatile boolean recordsFail;
    private volatile boolean unhealthy;

    @Override
    public synchronized void record(AuditEvent event) {
        if (event == null) {
            throw new IllegalArgumentException("event is required");
        }
        if (recordsFail) {
            throw new KmsException(ErrorCode.INTERNAL, "The audit trail cannot be written.");
        }
        events.add(event);
    }

    @Override
    public boolean healthy() {
        return !unhealthy;
    }

    /** From now on every record fails and the sink says it is unhealthy, as a full disk would make it. */
    public void fail() {
        failRecords();
        reportUnhealthy();
    }

    /** From now on every record fails while the sink still says it is healthy: a failure its health did not foresee. */
    public void failRecords() {
        recordsFail = true;
    }

    /** From now on the sink says it is unhealthy; records still succeed. */
    public void reportUnhealthy() {
        unhealthy = true;
    }

    /** The recorded events, oldest first. */
    public synchronized List<AuditEvent> events() {
        return List.copyOf(events);
    }
}
