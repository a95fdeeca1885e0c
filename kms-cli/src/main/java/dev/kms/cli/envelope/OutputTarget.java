package dev.kms.cli.envelope;

import java.io.Closeable;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Where encrypt-file and decrypt-file write, so that a failure never leaves a partial or unverified output under
 * the target's name. A file target is written to an owner-only temporary file beside it, synced, and renamed
 * over the target by {@link #commit()} (linked, when it must not replace an existing file); anything else removes
 * the temporary file. Standard output either gets the bytes as they come ({@link #direct}) or, for plaintext,
 * only after {@link #commit()} from an owner-only temporary file that was unlinked as soon as it was opened, so it
 * disappears with the process whatever happens ({@link #held}).
 */
abstract class OutputTarget implements Closeable {
    private static final int COPY_CHUNK = 1 << 20;

    /** The stream to write to. */
    abstract OutputStream stream();

    /** Makes the output visible: renames the file into place, or copies the held bytes to standard output. */
    abstract void commit() throws IOException;

    /** Without a commit: discards everything written. */
    @Override
    public abstract void close() throws IOException;

    /** A file target; without {@code overwrite}, an existing file is never replaced. */
    static OutputTarget file(Path target, boolean overwrite) throws IOException {
        return new FileTarget(target, overwrite);
    }

    /** Standard output as it is written: for ciphertext, which a reader refuses when it stops early. */
    static OutputTarget direct(OutputStream stdout) {
        return new OutputTarget() {
            @Override
            OutputStream stream() {
                return stdout;
            }

            @Override
            void commit() throws IOException {
                stdout.flush();
            }

            @Override
            public void close() {
            }
        };
    }

    /** Standard output after the commit only, held meanwhile in an unlinked file under {@code tempDir}. */
    static OutputTarget held(OutputStream stdout, Path tempDir) throws IOException {
        return new HeldTarget(stdout, tempDir);
    }

    private static final class FileTarget extends OutputTarget {
        private final Path target;
        private final boolean overwrite;
        private final Path temp;
        private final FileOutputStream out;
        private boolean committed;

        FileTarget(Path target, boolean overwrite) throws IOException {
            this.target = target.toAbsolutePath();
            this.overwrite = overwrite;
            // createTempFile makes it rw------- on POSIX: it may hold plaintext.
            this.temp = Files.createTempFile(this.target.getParent(), "." + this.target.getFileName() + ".", ".kms-tmp");
            temp.toFile().deleteOnExit(); // an interrupted run (Ctrl-C) leaves nothing behind either
            this.out = new FileOutputStream(temp.toFile());
        }

        @Override
        OutputStream stream() {
            return out;
        }

        @Override
        void commit() throws IOException {
            out.getFD().sync(); // the renamed file must be whole after a crash too
            out.close();
            if (overwrite) {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } else {
                // link(2) fails when the name exists, even one created since the run started; rename(2) would replace.
                Files.createLink(target, temp);
                Files.delete(temp);
            }
            committed = true;
        }

        @Override
        public void close() throws IOException {
            if (!committed) {
                out.close();
                Files.deleteIfExists(temp);
            }
        }
    }

    private static final class HeldTarget extends OutputTarget {
        private final OutputStream stdout;
        private final FileChannel channel;
        private final OutputStream out;

        HeldTarget(OutputStream stdout, Path tempDir) throws IOException {
            this.stdout = stdout;
            Path temp = Files.createTempFile(tempDir, "kms-decrypt-", ".kms-tmp");
            try {
                this.channel = FileChannel.open(temp, StandardOpenOption.READ, StandardOpenOption.WRITE);
            } finally {
                Files.delete(temp);
            }
            this.out = Channels.newOutputStream(channel);
        }

        @Override
        OutputStream stream() {
            return out;
        }

        @Override
        void commit() throws IOException {
            channel.position(0);
            var in = Channels.newInputStream(channel);
            byte[] chunk = new byte[COPY_CHUNK];
            for (int n; (n = in.read(chunk)) != -1; ) {
                stdout.write(chunk, 0, n);
            }
            stdout.flush();
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** Whether {@code path} names something already (a dangling link counts). */
    static boolean exists(Path path) {
        return Files.exists(path, LinkOption.NOFOLLOW_LINKS);
    }

}
