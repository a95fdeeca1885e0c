package dev.kms.node;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

/**
 * The right to write KMS_HOME's audit trail, held by one command at a time. A trail has one writer: two
 * {@code kms} processes appending at once would both continue the chain from the same line and fork it,
 * which {@code kms audit verify} then reports as corruption. Commands are short, so a second one waits.
 */
public final class AuditTrailLock implements AutoCloseable {
    private static final long POLL_MILLIS = 20;

    private final FileChannel channel;
    private final FileLock lock;

    private AuditTrailLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock on {@code lockFile}, waiting up to {@code timeout} for the command holding it, in this
     * process or another; KMSInternalException when it stays taken.
     */
    public static AuditTrailLock acquire(Path lockFile, Duration timeout) {
        FileChannel channel;
        try {
            channel = FileChannel.open(lockFile, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(KmsHome.OWNER_ONLY_FILE));
        } catch (IOException e) {
            throw new KmsException(ErrorCode.INTERNAL, "The audit trail cannot be locked: " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                FileLock lock;
                try {
                    lock = channel.tryLock();
                } catch (OverlappingFileLockException heldInThisProcess) {
                    lock = null;
                }
                if (lock != null) {
                    return new AuditTrailLock(channel, lock);
                }
                if (System.nanoTime() > deadline) {
                    throw new KmsException(ErrorCode.INTERNAL, "Another kms command has been writing the audit trail"
                            + " for more than " + timeout.toSeconds() + " s; try again later.");
                }
                Thread.sleep(POLL_MILLIS);
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            closeQuietly(channel);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw e instanceof KmsException k ? k
                    : new KmsException(ErrorCode.INTERNAL, "The audit trail cannot be locked: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // Closing the channel below releases it too.
        } finally {
            closeQuietly(channel);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing was written through it.
        }
    }
}
