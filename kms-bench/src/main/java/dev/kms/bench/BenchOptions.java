package dev.kms.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * What one run measures and for how long, read from system properties so that a quick run is one flag away
 * ({@code -Dbench.duration=1 -Dbench.keys=200}).
 *
 * @param dir          scratch directory of the run: SQLite file and, when SOFTHSM2_CONF points there, the token
 * @param warmup       untimed run before every timed phase, so the JIT and the token's caches settle
 * @param duration     length of one timed phase
 * @param rounds       raw and service phases alternate this many times (raw first, then service first, ...)
 * @param threads      thread counts of the throughput table
 * @param authzThreads thread counts of the authorization-and-audit table, where group commit needs many callers
 * @param httpThreads  concurrent client connections of the HTTP table ({@link HttpLoadBench})
 * @param httpPaths    which paths of the HTTP table run: any of raw, inproc, endpoint, http, audited (all by default)
 * @param keys         keys in the token for the key-count comparison (created through the service)
 * @param createBudget when creating those keys would take longer, stop and report how far it got
 * @param createThreads threads creating those keys; 1 by default, because SoftHSM2 2.6 fails or corrupts its
 *                      heap when sessions create token objects concurrently (softhsm/SoftHSMv2#573, #688)
 * @param phases       which tables to produce: any of {@code throughput}, {@code authz}, {@code keys}, {@code http},
 *                     {@code files} ({@link FilesBench}: its stream size is {@code bench.fileMiB}, default 1024)
 */
record BenchOptions(Path dir, Duration warmup, Duration duration, int rounds, List<Integer> threads,
                    List<Integer> authzThreads, List<Integer> httpThreads, List<String> httpPaths, int keys, Duration createBudget,
                    int createThreads, List<String> phases) {
    static final int BASELINE_KEYS = 10;

    BenchOptions {
        if (rounds < 1 || keys < BASELINE_KEYS || createThreads < 1 || threads.isEmpty() || authzThreads.isEmpty()
                || httpThreads.isEmpty()) {
            throw new IllegalArgumentException("bench.rounds, bench.createThreads, bench.threads, bench.authzThreads"
                    + " and bench.httpThreads"
                    + " must be at least 1, bench.keys at least " + BASELINE_KEYS);
        }
    }

    static BenchOptions fromSystemProperties() {
        String dir = System.getProperty("bench.dir");
        if (dir == null) {
            throw new IllegalArgumentException("bench.dir must name the scratch directory of the run");
        }
        return new BenchOptions(Path.of(dir),
                seconds("bench.warmup", "1"),
                seconds("bench.duration", "3"),
                Integer.parseInt(System.getProperty("bench.rounds", "2")),
                integers("bench.threads", "1,2"),
                integers("bench.authzThreads", "1,2,16,64"),
                integers("bench.httpThreads", "1,4,16,64"),
                Arrays.stream(System.getProperty("bench.httpPaths", String.join(",", HttpLoadBench.PATH_KEYS))
                        .split(",")).map(String::trim).toList(),
                Integer.parseInt(System.getProperty("bench.keys", "10000")),
                seconds("bench.createBudget", "240"),
                Integer.parseInt(System.getProperty("bench.createThreads", "1")),
                Arrays.stream(System.getProperty("bench.phases", "throughput,authz,keys").split(",")).map(String::trim)
                        .toList());
    }

    /** The largest thread count of any table: the raw baseline opens one session per thread. */
    int maxThreads() {
        return Math.max(Math.max(threads.stream().max(Integer::compare).orElseThrow(),
                authzThreads.stream().max(Integer::compare).orElseThrow()),
                httpThreads.stream().max(Integer::compare).orElseThrow());
    }

    private static List<Integer> integers(String property, String defaultValue) {
        return Arrays.stream(System.getProperty(property, defaultValue).split(",")).map(String::trim)
                .map(Integer::valueOf).toList();
    }

    private static Duration seconds(String property, String defaultValue) {
        return Duration.ofMillis(Math.round(Double.parseDouble(System.getProperty(property, defaultValue)) * 1000));
    }
}
