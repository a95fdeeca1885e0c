package dev.kms.core.service;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Runs due rotations and deletions periodically inside a long-running process. */
public final class MaintenanceScheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MaintenanceScheduler.class);

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kms-maintenance");
        t.setDaemon(true);
        return t;
    });

    /**
     * Calls {@code run} every {@code interval}: {@link MaintenanceService#runDue}, or a caller's wrapper of it
     * that audits each run (the CLI's server records every rotation and deletion).
     */
    public MaintenanceScheduler(Supplier<MaintenanceService.MaintenanceReport> run, Duration interval) {
        long millis = interval.toMillis();
        executor.scheduleWithFixedDelay(() -> {
            try {
                var report = run.get();
                if (!report.rotatedKeyIds().isEmpty() || !report.deletedKeyIds().isEmpty()) {
                    LOG.info("Maintenance rotated {} and deleted {} keys", report.rotatedKeyIds().size(),
                            report.deletedKeyIds().size());
                }
            } catch (RuntimeException e) {
                LOG.error("Maintenance run failed: {}", e.getMessage());
            }
        }, 0, millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
