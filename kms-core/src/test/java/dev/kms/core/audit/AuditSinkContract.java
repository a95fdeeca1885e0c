package dev.kms.core.audit;

import dev.kms.core.port.AuditSink;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The behaviour every {@link AuditSink} shares; the in-memory fake and the file trail both extend this. */
public abstract class AuditSinkContract {

    /** A healthy, empty sink. */
    protected abstract AuditSink sink();

    /** What the sink holds, oldest first, as a reader of the trail would see it. */
    protected abstract List<AuditEvent> readBack();

    @Test
    void record_thenReadBack_returnsEqualEvents_inOrder() {
        AuditEvent first = SampleEvents.encrypt("alice", "k1", SampleEvents.T0);
        AuditEvent second = SampleEvents.deniedDeletion("bob", "k2", SampleEvents.T0.plusSeconds(1));
        sink().record(first);
        sink().record(second);
        assertEquals(List.of(first, second), readBack());
        assertTrue(sink().healthy());
    }

    @Test
    void record_null_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> sink().record(null));
    }
}
