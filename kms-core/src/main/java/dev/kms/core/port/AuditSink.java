package dev.kms.core.port;

import dev.kms.core.audit.AuditEvent;

/**
 * The audit trail port: where every call's {@link AuditEvent} goes. Implementations are safe for concurrent
 * use and fail closed: when they cannot keep an event, the caller must not perform or answer the call.
 */
public interface AuditSink {

    /**
     * Records {@code event} durably: when this returns, the event survives a crash of the process or the
     * machine. Throws {@link dev.kms.core.error.KmsException} (KMSInternalException, or
     * DependencyTimeoutException when the trail is too slow) when it cannot; callers then fail the call.
     */
    void record(AuditEvent event);

    /** False once the trail cannot be written, so callers can refuse work before doing it. */
    boolean healthy();
}
