package dev.kms.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kms.core.audit.AuditEvent;
import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.port.AuditSink;
import dev.kms.core.port.TrailSealer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The audit trail as hash-chained JSON Lines files under a directory (KMS_HOME/audit), sealed at intervals by
 * a {@link TrailSealer} whose key lives in the HSM. Format and guarantees: docs/audit-trail.md.
 *
 * <p>One writer thread owns the files. Callers hand it their serialized event and wait; the writer takes
 * everything queued, appends it in one write and one {@code force}, then releases them all (group commit),
 * so concurrent callers share an fsync. Any write failure is permanent: the trail turns unhealthy and every
 * later {@link #record} throws, so callers fail closed until an operator reopens it.
 */
public final class FileAuditTrail implements AuditSink, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FileAuditTrail.class);
    private static final int MAX_BATCH = 4096;
    /** How long the writer waits for the callers its last fsync released before it writes the next batch. */
    private static final long GATHER_NANOS = TimeUnit.MICROSECONDS.toNanos(300);

    private final Path dir;
    private final TrailSealer sealer;
    private final Options options;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Object stateLock = new Object();
    private final Thread writer;
    private final AtomicLong syncs = new AtomicLong();
    private final Pending closeMarker = new Pending(null);
    /** Size of the last batch: the writer's guess of how many callers are recording concurrently. */
    private int lastBatchSize = 1;
    private boolean closed; // guarded by stateLock
    private volatile KmsException failure;
    private volatile Head head;

    // Owned by the writer thread once it has started.
    private FileChannel channel;
    private Path currentFile;
    private Object currentFileKey;
    private long currentSize;
    private LocalDate currentDay;
    private long nextSeq;
    private String prevHash;
    private long linesSinceDigest;
    private long eventsSinceDigest;
    private long firstUnsealedNanos;

    /** How the trail rotates and seals; {@link #defaults()} suits production. */
    public record Options(long maxFileBytes, int sealEvery, Duration sealInterval, Duration recordTimeout,
                          Clock clock) {
        public Options {
            if (maxFileBytes < 1) {
                throw new IllegalArgumentException("maxFileBytes must be at least 1");
            }
            if (sealEvery < 1) {
                throw new IllegalArgumentException("sealEvery must be at least 1");
            }
            Objects.requireNonNull(sealInterval, "sealInterval");
            Objects.requireNonNull(recordTimeout, "recordTimeout");
            Objects.requireNonNull(clock, "clock");
        }

        /** 64 MiB files, a new file each UTC day, a seal every 1000 events or 10 s, 10 s to confirm a record. */
        public static Options defaults() {
            return new Options(64L << 20, 1000, Duration.ofSeconds(10), Duration.ofSeconds(10), Clock.systemUTC());
        }

        public Options withMaxFileBytes(long value) {
            return new Options(value, sealEvery, sealInterval, recordTimeout, clock);
        }

        public Options withSealEvery(int value) {
            return new Options(maxFileBytes, value, sealInterval, recordTimeout, clock);
        }

        public Options withSealInterval(Duration value) {
            return new Options(maxFileBytes, sealEvery, value, recordTimeout, clock);
        }

        public Options withClock(Clock value) {
            return new Options(maxFileBytes, sealEvery, sealInterval, recordTimeout, value);
        }
    }

    /**
     * The last durable line: its seq and hash. Kept outside the trail (in the metadata store, a monitoring
     * system), it lets {@link AuditVerifier} detect a truncated tail or a deleted trail.
     */
    public record Head(long seq, String hash) {
    }

    private FileAuditTrail(Path dir, TrailSealer sealer, Options options) {
        this.dir = dir;
        this.sealer = sealer;
        this.options = options;
        this.writer = new Thread(this::run, "audit-trail-writer");
        this.writer.setDaemon(true);
    }

    /** Opens the trail in {@code dir} with default options; see {@link #open(Path, TrailSealer, Options)}. */
    public static FileAuditTrail open(Path dir, TrailSealer sealer) {
        return open(dir, sealer, Options.defaults());
    }

    /**
     * Opens the trail in {@code dir}, creating it if needed. Existing files are never written again: the trail
     * continues in a new file whose header chains to the last complete line, followed by a seal.
     */
    public static FileAuditTrail open(Path dir, TrailSealer sealer, Options options) {
        FileAuditTrail trail = new FileAuditTrail(dir, Objects.requireNonNull(sealer, "sealer"), options);
        try {
            trail.resume();
        } catch (IOException | RuntimeException e) {
            trail.closeChannelQuietly();
            throw new KmsException(ErrorCode.INTERNAL, "The audit trail cannot be opened.", e);
        }
        trail.writer.start();
        return trail;
    }

    @Override
    public void record(AuditEvent event) {
        if (event == null) {
            throw new IllegalArgumentException("event is required");
        }
        Pending pending = new Pending(AuditEventJson.toBytes(event));
        synchronized (stateLock) {
            refuseIfUnusable();
            queue.add(pending);
        }
        await(pending);
    }

    @Override
    public boolean healthy() {
        synchronized (stateLock) {
            if (closed || failure != null) {
                return false;
            }
        }
        // The current file could still take appends, but the next rotation would fail: refuse up front.
        return Files.isDirectory(dir) && Files.isWritable(dir);
    }

    /** The last durable line, to keep as an external anchor for {@link AuditVerifier}. */
    public Head head() {
        return head;
    }

    /** The directory holding the trail files. */
    public Path directory() {
        return dir;
    }

    /** How many times the trail has forced its file to disk; less than the events recorded under load. */
    public long syncCount() {
        return syncs.get();
    }

    /** Seals what is unsealed, forces it to disk and stops the writer; later records throw. */
    @Override
    public void close() {
        synchronized (stateLock) {
            if (closed) {
                return;
            }
            closed = true;
            if (failure == null) {
                queue.add(closeMarker);
            }
        }
        try {
            writer.join(options.recordTimeout().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void refuseIfUnusable() {
        if (failure != null) {
            throw new KmsException(ErrorCode.INTERNAL, failure.getMessage(), failure);
        }
        if (closed) {
            throw new KmsException(ErrorCode.INTERNAL, "The audit trail is closed.");
        }
    }

    private void await(Pending pending) {
        try {
            pending.done.get(options.recordTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            KmsException cause = (KmsException) e.getCause();
            throw new KmsException(cause.code(), cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new KmsException(ErrorCode.DEPENDENCY_TIMEOUT,
                    "The audit trail did not confirm the event within " + options.recordTimeout().toMillis() + " ms.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KmsException(ErrorCode.INTERNAL, "Interrupted while waiting for the audit trail.");
        }
    }

    private void resume() throws IOException {
        Files.createDirectories(dir, OwnerOnly.DIRECTORY);
        nextSeq = 1;
        prevHash = TrailFormat.GENESIS;
        List<Path> files = TrailFormat.trailFiles(dir);
        for (Path file : files) {
            OwnerOnly.tighten(file); // an earlier version wrote them readable by others
        }
        for (int i = files.size() - 1; i >= 0; i--) {
            byte[] last = TrailFormat.lastCompleteLine(files.get(i));
            if (last != null) {
                JsonNode seq = AuditEventJson.MAPPER.readTree(last).get("seq");
                if (seq == null || !seq.canConvertToLong()) {
                    throw new IOException("last line of " + files.get(i) + " has no seq");
                }
                nextSeq = seq.asLong() + 1;
                prevHash = TrailFormat.hashHex(last);
                break;
            }
        }
        // Seal at once: this covers the new header and whatever the previous run left unsealed.
        Instant now = options.clock().instant();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        startFile(now, out);
        appendDigest(out, now);
        flush(out);
    }

    private void run() {
        List<Pending> batch = new ArrayList<>();
        try {
            while (true) {
                batch.clear();
                Pending first = queue.poll(nanosUntilSealDue(), TimeUnit.NANOSECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, MAX_BATCH - 1);
                    gather(batch);
                }
                boolean closing = !batch.isEmpty() && batch.get(batch.size() - 1) == closeMarker;
                if (closing) {
                    batch.remove(batch.size() - 1);
                }
                write(batch, closing);
                batch.forEach(p -> p.done.complete(null));
                if (closing) {
                    channel.close();
                    return;
                }
            }
        } catch (Exception e) {
            fail(batch, e);
        }
    }

    /**
     * Group commit: the callers the previous fsync released are about to record again. Waiting a moment
     * for as many as the last batch held doubles the events per fsync under concurrency; a single caller
     * (last batch of one) never waits. The writer sleeps through the window once and then takes everything
     * that arrived, rather than waking for each caller: those wake-ups cost more CPU than the events' writing.
     */
    private void gather(List<Pending> batch) {
        if (batch.size() < lastBatchSize && batch.get(batch.size() - 1) != closeMarker) {
            LockSupport.parkNanos(GATHER_NANOS);
            queue.drainTo(batch, MAX_BATCH - batch.size());
        }
        lastBatchSize = Math.max(1, batch.size());
    }

    private void write(List<Pending> batch, boolean closing) throws IOException {
        Instant now = options.clock().instant();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!batch.isEmpty() && (currentSize >= options.maxFileBytes() || !day(now).equals(currentDay))) {
            if (linesSinceDigest > 0) {
                appendDigest(out, now);
            }
            flush(out);
            channel.close();
            startFile(now, out);
        }
        for (Pending pending : batch) {
            append(out, TrailFormat.eventLine(nextSeq, prevHash, pending.event));
            eventsSinceDigest++;
            if (eventsSinceDigest >= options.sealEvery()) {
                appendDigest(out, now);
            }
        }
        if (linesSinceDigest > 0 && (closing || sealDueByTime())) {
            appendDigest(out, now);
        }
        flush(out);
    }

    private void startFile(Instant now, ByteArrayOutputStream out) throws IOException {
        String name = TrailFormat.fileName(nextSeq, now);
        currentFile = dir.resolve(name);
        channel = FileChannel.open(currentFile, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND), OwnerOnly.FILE);
        currentFileKey = Files.readAttributes(currentFile, BasicFileAttributes.class).fileKey();
        currentSize = 0;
        currentDay = day(now);
        forceDirectory();
        append(out, TrailFormat.headerLine(nextSeq, prevHash, name, now));
    }

    private void append(ByteArrayOutputStream out, byte[] line) {
        if (linesSinceDigest == 0) {
            firstUnsealedNanos = System.nanoTime();
        }
        out.write(line, 0, line.length);
        out.write('\n');
        prevHash = TrailFormat.hashHex(line);
        nextSeq++;
        linesSinceDigest++;
    }

    /** A digest sealing every line so far; a failing sealer leaves them unsealed until the next attempt. */
    private void appendDigest(ByteArrayOutputStream out, Instant now) {
        byte[] seal;
        try {
            seal = sealer.seal(TrailFormat.sealInput(nextSeq - 1, prevHash));
        } catch (KmsException e) {
            LOG.warn("audit trail {}: sealing failed ({}); {} lines stay unsealed until the next seal",
                    dir, e.getMessage(), linesSinceDigest);
            // Retry a sealInterval later rather than at once, which would spin while the HSM is away.
            firstUnsealedNanos = System.nanoTime();
            return;
        }
        byte[] line = TrailFormat.digestLine(nextSeq, prevHash, seal, sealer.keyId(), now);
        out.write(line, 0, line.length);
        out.write('\n');
        prevHash = TrailFormat.hashHex(line);
        nextSeq++;
        linesSinceDigest = 0;
        eventsSinceDigest = 0;
    }

    /** Writes and forces {@code out}; the file must still be the one this trail created. */
    private void flush(ByteArrayOutputStream out) throws IOException {
        if (out.size() == 0) {
            return;
        }
        Object key = Files.readAttributes(currentFile, BasicFileAttributes.class).fileKey();
        if (!Objects.equals(key, currentFileKey)) {
            throw new IOException(currentFile + " was replaced by another file");
        }
        ByteBuffer buffer = ByteBuffer.wrap(out.toByteArray());
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        channel.force(false);
        syncs.incrementAndGet();
        currentSize += out.size();
        out.reset();
        head = new Head(nextSeq - 1, prevHash);
    }

    // A new file's directory entry must be durable too, or a crash could lose the whole file.
    private void forceDirectory() {
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        } catch (IOException e) {
            LOG.debug("cannot force directory {} on this platform: {}", dir, e.toString());
        }
    }

    private long nanosUntilSealDue() {
        if (linesSinceDigest == 0) {
            return TimeUnit.HOURS.toNanos(1);
        }
        return Math.max(0, options.sealInterval().toNanos() - (System.nanoTime() - firstUnsealedNanos));
    }

    private boolean sealDueByTime() {
        return System.nanoTime() - firstUnsealedNanos >= options.sealInterval().toNanos();
    }

    private void fail(List<Pending> batch, Exception e) {
        KmsException failed = new KmsException(ErrorCode.INTERNAL, "The audit trail cannot be written.", e);
        LOG.error("audit trail {} failed; every further call is refused until it is reopened", dir, e);
        List<Pending> stranded = new ArrayList<>(batch);
        synchronized (stateLock) {
            failure = failed;
            queue.drainTo(stranded);
        }
        stranded.forEach(p -> p.done.completeExceptionally(failed));
        closeChannelQuietly();
    }

    private void closeChannelQuietly() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("closing {}: {}", currentFile, e.toString());
            }
        }
    }

    private static LocalDate day(Instant instant) {
        return LocalDate.ofInstant(instant, ZoneOffset.UTC);
    }

    /** One caller's serialized event and the promise the writer keeps once it is on disk. */
    private static final class Pending {
        final byte[] event;
        final CompletableFuture<Void> done = new CompletableFuture<>();

        Pending(byte[] event) {
            this.event = event;
        }
    }
}
