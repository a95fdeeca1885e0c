package dev.kms.core.port;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** One task on several threads at once, for the tests that check something is safe to share between threads. */
public final class Concurrently {
    /** What thread number {@code thread} (0 up to the number of threads) does. */
    @FunctionalInterface
    public interface ThreadTask<T> {
        T run(int thread) throws Exception;
    }

    private Concurrently() {
    }

    /**
     * Runs {@code task} on {@code threads} threads together and returns what each returned, in thread order. A task's
     * failure comes out as an ExecutionException; a task still running after two minutes as a TimeoutException.
     */
    public static <T> List<T> onThreads(int threads, ThreadTask<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<T>> running = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                running.add(pool.submit(() -> task.run(thread)));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> result : running) {
                results.add(result.get(2, TimeUnit.MINUTES));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
