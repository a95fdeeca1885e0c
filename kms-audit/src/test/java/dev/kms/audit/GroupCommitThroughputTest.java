package dev.kms.audit;

import dev.kms.core.audit.AuditEvent;
import dev.kms.core.audit.SampleEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Measures what group commit buys: events per second with 1 and with 16 recording threads, each event
 * fsync'd before record() returns. Prints the figures; asserts only that nothing was lost.
 */
class GroupCommitThroughputTest {
    private static final int EVENTS_PER_THREAD = 200;

    @TempDir
    Path dir;

    @Test
    void oneThread_thenSixteen() throws Exception {
        measure(dir.resolve("t1"), 1);
        measure(dir.resolve("t16"), 16);
    }

    private static void measure(Path trailDir, int threads) throws Exception {
        AuditEvent event = SampleEvents.encrypt("alice", "k1", SampleEvents.T0);
        try (FileAuditTrail trail = FileAuditTrail.open(trailDir, Trails.sealer())) {
            long syncsBefore = trail.syncCount();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            long start = System.nanoTime();
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    futures.add(pool.submit(() -> {
                        for (int i = 0; i < EVENTS_PER_THREAD; i++) {
                            trail.record(event);
                        }
                    }));
                }
                for (Future<?> future : futures) {
                    future.get();
                }
            } finally {
                pool.shutdown();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long events = (long) threads * EVENTS_PER_THREAD;
            long syncs = trail.syncCount() - syncsBefore;
            System.out.printf("group commit: %2d threads: %6.0f events/s, %d events in %d fsyncs (%.1f per fsync)%n",
                    threads, events / seconds, events, syncs, (double) events / syncs);
            trail.close();
            assertEquals(events, Trails.readEvents(trailDir).size());
        }
    }
}
