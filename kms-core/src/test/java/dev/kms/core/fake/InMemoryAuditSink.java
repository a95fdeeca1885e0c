package dev.kms.core.fake;

import dev.kms.core.audit.AuditEvent;
import dev.kms.core.port.AuditSink;
import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;

import java.util.ArrayList;
import java.util.List;

/** An audit sink that keeps events in a list; tests can make it fail to check that callers fail closed. */
public final class InMemoryAuditSink implements AuditSink {
    private final List<AuditEvent> events = new ArrayList<>();
    private volatile boolean failing;

    @Override
    public synchronized void record(AuditEvent event) {
        if (event == null) {
            throw new IllegalArgumentException("event is required");
        }
        if (failing) {
            throw new KmsException(ErrorCode.INTERNAL, "The audit trail cannot be written.");
        }
        events.add(event);
    }

    @Override
    public boolean healthy() {
        return !failing;
    }

    /** From now on every record fails, as a full disk would make it. */
    public void fail() {
        failing = true;
    }

    /** The recorded events, oldest first. */
    public synchronized List<AuditEvent> events() {
        return List.copyOf(events);
    }
}
