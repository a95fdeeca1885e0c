package dev.kms.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;

/** Runs one operation on N threads for a warm-up and then a timed phase, recording every call's latency. */
final class Measurement {

    /** One operation as a given thread performs it; threads keep their own state (sessions, buffers). */
    @FunctionalInterface
    interface Op {
        void run(int thread) throws Exception;
    }

    /**
     * Completed calls, the wall time they took, their latencies in nanoseconds, sorted, and the CPU time the calling
     * threads themselves spent in the timed phase.
     */
    record Result(long ops, long elapsedNanos, long[] sortedNanos, long callerCpuNanos) {
        static Result merge(List<Result> parts) {
            long ops = 0;
            long elapsed = 0;
            long cpu = 0;
            int n = 0;
            for (Result r : parts) {
                ops += r.ops;
                elapsed += r.elapsedNanos;
                cpu += r.callerCpuNanos;
                n += r.sortedNanos.length;
            }
            long[] all = new long[n];
            int at = 0;
            for (Result r : parts) {
                System.arraycopy(r.sortedNanos, 0, all, at, r.sortedNanos.length);
                at += r.sortedNanos.length;
            }
            Arrays.sort(all);
            return new Result(ops, elapsed, all, cpu);
        }

        double opsPerSecond() {
            return ops * 1e9 / elapsedNanos;
        }

        double meanMicros() {
            return Arrays.stream(sortedNanos).average().orElse(Double.NaN) / 1000;
        }

        /** Nearest-rank percentile, in microseconds. */
        double percentileMicros(double p) {
            if (sortedNanos.length == 0) {
                return Double.NaN;
            }
            int rank = (int) Math.ceil(p / 100 * sortedNanos.length);
            return sortedNanos[Math.max(0, rank - 1)] / 1000.0;
        }
    }

    private Measurement() {
    }

    static Result run(Op op, int threads, Duration warmup, Duration duration) throws Exception {
        return run(op, threads, warmup, duration, () -> { });
    }

    /**
     * As {@link #run(Op, int, Duration, Duration)}; {@code atTimedStart} runs once every thread has finished its
     * warm-up and before any timed call, so counters read there and after the return cover the timed phase only.
     */
    static Result run(Op op, int threads, Duration warmup, Duration duration, Runnable atTimedStart) throws Exception {
        long[] timedStart = new long[1];
        CyclicBarrier start = new CyclicBarrier(threads + 1);
        // The clock starts when the last thread has finished its warm-up, before any is released into the timed
        // phase; the barrier action runs exactly then and its writes are visible to every released thread.
        CyclicBarrier timed = new CyclicBarrier(threads + 1, () -> {
            atTimedStart.run();
            timedStart[0] = System.nanoTime();
        });
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long[][] latencies = new long[threads][];
        int[] counts = new int[threads];
        long[] lastEnd = new long[threads];
        long[] cpuNanos = new long[threads];
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int index = t;
            Thread worker = new Thread(() -> {
                try {
                    start.await();
                    long warmEnd = System.nanoTime() + warmup.toNanos();
                    while (System.nanoTime() < warmEnd) {
                        op.run(index);
                    }
                    timed.await();
                    long end = timedStart[0] + duration.toNanos();
                    long cpuStart = cpu.getCurrentThreadCpuTime();
                    long[] mine = new long[1 << 16];
                    int n = 0;
                    long now = System.nanoTime();
                    while (now < end) {
                        op.run(index);
                        long after = System.nanoTime();
                        if (n == mine.length) {
                            mine = Arrays.copyOf(mine, n * 2);
                        }
                        mine[n++] = after - now;
                        now = after;
                    }
                    cpuNanos[index] = cpu.getCurrentThreadCpuTime() - cpuStart;
                    latencies[index] = mine;
                    counts[index] = n;
                    lastEnd[index] = now;
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    start.reset();
                    timed.reset();
                }
            }, "bench-" + t);
            worker.start();
            workers.add(worker);
        }
        try {
            start.await();
            timed.await();
        } catch (java.util.concurrent.BrokenBarrierException e) {
            // A worker failed; its exception is reported below.
        }
        for (Thread worker : workers) {
            worker.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("benchmark operation failed", failure.get());
        }
        long ops = 0;
        long finished = timedStart[0];
        long callerCpu = 0;
        for (int t = 0; t < threads; t++) {
            ops += counts[t];
            callerCpu += cpuNanos[t];
            finished = Math.max(finished, lastEnd[t]);
        }
        long[] all = new long[(int) ops];
        int at = 0;
        for (int t = 0; t < threads; t++) {
            System.arraycopy(latencies[t], 0, all, at, counts[t]);
            at += counts[t];
        }
        Arrays.sort(all);
        return new Result(ops, finished - timedStart[0], all, callerCpu);
    }
}
