package dev.kms.audit;

import dev.kms.core.audit.AuditEvent;
import dev.kms.core.audit.SampleEvents;

import java.nio.file.Path;
import java.util.UUID;

/**
 * A process for {@link DurabilityTest}: records one event with the eventID given as its second argument in the
 * trail under its first argument, prints "recorded" once record() has returned, then waits to be killed.
 */
public final class RecordAndWait {
    private RecordAndWait() {
    }

    public static void main(String[] args) throws InterruptedException {
        FileAuditTrail trail = FileAuditTrail.open(Path.of(args[0]), Trails.sealer(), Trails.options(1000, 1 << 20));
        AuditEvent template = SampleEvents.encrypt("alice", "k1", SampleEvents.T0);
        trail.record(new AuditEvent(template.eventVersion(), template.userIdentity(), template.eventTime(),
                template.eventSource(), template.eventName(), template.awsRegion(), template.sourceIPAddress(),
                template.userAgent(), template.requestParameters(), template.responseElements(), template.requestID(),
                UUID.fromString(args[1]), template.readOnly(), template.resources(), null, null));
        System.out.println("recorded");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
