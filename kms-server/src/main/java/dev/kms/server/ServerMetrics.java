package dev.kms.server;

import dev.kms.core.operation.KmsOperation;
import dev.kms.core.port.SessionPoolStats;
import dev.kms.wire.AwsJson;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The server's Prometheus metrics through Micrometer: API requests and their latency per operation, errors per
 * operation and {@code __type}, requests in flight and requests waiting for admission, and the HSM session pool's
 * use once {@link #bindHsmSessionPool bound}. Operation labels come from
 * fixed lists (the API's operations, the IAM and STS actions as {@code iam:Action}, else {@value #UNKNOWN}), so no
 * client can grow the label set.
 */
public final class ServerMetrics {
    static final String UNKNOWN = "unknown";
    /** Prometheus text exposition format 0.0.4, what every scraper accepts. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final Duration[] LATENCY_BUCKETS = {
        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Set<String> operations;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    /** Labels operations by the operation table. */
    ServerMetrics(Supplier<Number> queued) {
        this(Arrays.stream(KmsOperation.values()).map(KmsOperation::wireName).collect(Collectors.toSet()), queued);
    }

    ServerMetrics(Set<String> operations, Supplier<Number> queued) {
        this.operations = Set.copyOf(operations);
        Gauge.builder("kms.requests.in.flight", inFlight, AtomicInteger::get)
                .description("API requests being processed").register(registry);
        Gauge.builder("kms.requests.queued", queued)
                .description("API requests waiting for admission (bounded; the rest are throttled)")
                .register(registry);
    }

    /** The label of an {@code X-Amz-Target} header: the operation if the API has it, else {@value #UNKNOWN}. */
    String operation(String target) {
        if (target != null && target.startsWith(AwsJson.TARGET_PREFIX)) {
            String name = target.substring(AwsJson.TARGET_PREFIX.length());
            if (operations.contains(name)) {
                return name;
            }
        }
        return UNKNOWN;
    }

    /** Marks the start of processing; pair with {@link #finished}. */
    void started() {
        inFlight.incrementAndGet();
    }

    void finished() {
        inFlight.decrementAndGet();
    }

    /** Records one answered API request, timed from when its headers arrived (queueing included). */
    void record(String operation, String errorType, long beginNanos) {
        Objects.requireNonNull(operation, "operation");
        timers.computeIfAbsent(operation, this::timer)
                .record(Math.max(0, System.nanoTime() - beginNanos), TimeUnit.NANOSECONDS);
        if (errorType != null) {
            Counter.builder("kms.errors")
                    .description("API requests answered with an error, by the error's __type")
                    .tag("operation", operation)
                    .tag("type", errorType)
                    .register(registry)
                    .increment();
        }
    }

    // Registering looks the meter up by name and tags each time; the labels are a small fixed set, so keep them.
    private Timer timer(String operation) {
        return Timer.builder("kms.requests")
                .description("API requests answered, with their latency from arrival to answer")
                .tag("operation", operation)
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry);
    }

    /**
     * Exports the HSM adapter's session pool: {@code kms_hsm_sessions_open}, {@code _in_use} and {@code _idle}
     * (gauges), {@code kms_hsm_session_borrows_total}, {@code _waits_total} (borrows that found no idle session),
     * {@code _wait_seconds_total} and {@code _timeouts_total}. Read when scraped, never on a request.
     */
    public void bindHsmSessionPool(SessionPoolStats pool) {
        Objects.requireNonNull(pool, "pool");
        Gauge.builder("kms.hsm.sessions.open", pool, SessionPoolStats::size)
                .description("Sessions the HSM session pool holds open on the token").register(registry);
        Gauge.builder("kms.hsm.sessions.in.use", pool, SessionPoolStats::inUse)
                .description("HSM sessions lent to a request right now").register(registry);
        Gauge.builder("kms.hsm.sessions.idle", pool, p -> Math.max(0, p.size() - p.inUse()))
                .description("HSM sessions waiting in the pool for a request").register(registry);
        FunctionCounter.builder("kms.hsm.session.borrows", pool, SessionPoolStats::borrows)
                .description("HSM sessions lent from the pool").register(registry);
        FunctionCounter.builder("kms.hsm.session.waits", pool, SessionPoolStats::waits)
                .description("Borrows of an HSM session that found none idle and waited").register(registry);
        FunctionCounter.builder("kms.hsm.session.wait", pool, p -> p.waitNanos() / 1e9)
                .baseUnit("seconds")
                .description("Time spent waiting for an idle HSM session, summed").register(registry);
        FunctionCounter.builder("kms.hsm.session.timeouts", pool, SessionPoolStats::timeouts)
                .description("Borrows that gave up waiting for an HSM session (DependencyTimeoutException)")
                .register(registry);
    }

    /** The Prometheus text exposition of every meter. */
    String scrape() {
        return registry.scrape(CONTENT_TYPE);
    }
}
