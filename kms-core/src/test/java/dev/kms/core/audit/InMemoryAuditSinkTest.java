package dev.kms.core.audit;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.fake.InMemoryAuditSink;
import dev.kms.core.port.AuditSink;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class InMemoryAuditSinkTest extends AuditSinkContract {
    private final InMemoryAuditSink sink = new InMemoryAuditSink();

    @Override
    protected AuditSink sink() {
        return sink;
    }

    @Override
    protected List<AuditEvent> readBack() {
        return sink.events();
    }

    @Test
    void failingSink_throwsInternal_andIsUnhealthy() {
        sink.fail();
        KmsException e = assertThrows(KmsException.class,
                () -> sink.record(SampleEvents.encrypt("alice", "k1", SampleEvents.T0)));
        assertEquals(ErrorCode.INTERNAL, e.code());
        assertFalse(sink.healthy());
    }
}
