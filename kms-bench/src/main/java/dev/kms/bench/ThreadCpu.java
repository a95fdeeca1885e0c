package dev.kms.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time of this JVM's threads by name prefix, from Linux's {@code /proc/self/task/<tid>/schedstat} (nanoseconds on
 * a CPU) and {@code comm} (the thread name, cut to 15 characters). It tells apart what the server's workers, the audit
 * writer and the rest of the JVM spent during a phase; a thread that ends before the second snapshot is lost, so the
 * callers' own threads are measured by {@link Measurement} instead. Empty where /proc is not Linux's.
 */
final class ThreadCpu {
    private static final Path TASKS = Path.of("/proc/self/task");
    /** Linux's USER_HZ, the unit of /proc/self/stat's times, is 100 on every common build. */
    static final long NANOS_PER_TICK = 10_000_000L;

    private ThreadCpu() {
    }

    /** Nanoseconds on a CPU per thread id, for threads whose name starts with one of {@code prefixes}, by prefix. */
    static Map<String, Map<String, Long>> snapshot(String... prefixes) {
        Map<String, Map<String, Long>> byPrefix = new HashMap<>();
        for (String prefix : prefixes) {
            byPrefix.put(prefix, new HashMap<>());
        }
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path task : tasks) {
                String name;
                long nanos;
                try {
                    name = Files.readString(task.resolve("comm")).strip();
                    String schedstat = Files.readString(task.resolve("schedstat"));
                    nanos = Long.parseLong(schedstat.substring(0, schedstat.indexOf(' ')));
                } catch (IOException | RuntimeException e) {
                    continue; // the thread ended meanwhile, or no schedstat on this kernel
                }
                for (String prefix : prefixes) {
                    if (name.startsWith(prefix)) {
                        byPrefix.get(prefix).put(task.getFileName().toString(), nanos);
                        break;
                    }
                }
            }
        } catch (IOException e) {
            return byPrefix;
        }
        return byPrefix;
    }

    /** This process's CPU time in the kernel so far (system calls, page faults), in ticks; 0 where unreadable. */
    static long processSystemTicks() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // After "pid (comm) ": state is field 3, stime field 15; comm may hold spaces, so count from its ')'.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** CPU nanoseconds spent between two snapshots by the threads of {@code prefix} (new threads from zero). */
    static long spent(Map<String, Map<String, Long>> before, Map<String, Map<String, Long>> after, String prefix) {
        Map<String, Long> was = before.getOrDefault(prefix, Map.of());
        long total = 0;
        for (Map.Entry<String, Long> thread : after.getOrDefault(prefix, Map.of()).entrySet()) {
            total += thread.getValue() - was.getOrDefault(thread.getKey(), 0L);
        }
        return total;
    }
}
