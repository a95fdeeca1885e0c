package dev.kms.server;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection on which a request's line and headers have been arriving for longer than the read timeout.
 * Such a client holds no request slot (nothing is handled before the headers are complete), but must not hold a
 * connection without end by sending a byte now and then, which the idle timeout alone allows. The HTTP
 * connections are watched by their byte counts (public Jetty API): between the answer to one request and the
 * headers of the next, bytes that arrived mean a request is being received.
 */
final class HeaderDeadline extends AbstractLifeCycle implements Connection.Listener {
    private final Map<Connection, Watch> watched = new ConcurrentHashMap<>();
    private final Scheduler scheduler;
    private final long timeoutNanos;
    private final long sweepNanos;
    private volatile Scheduler.Task sweep;

    HeaderDeadline(Scheduler scheduler, Duration timeout) {
        this.scheduler = scheduler;
        this.timeoutNanos = timeout.toNanos();
        // A quarter of the timeout, at most a second: connections are closed at most that late.
        this.sweepNanos = Math.min(TimeUnit.SECONDS.toNanos(1), Math.max(TimeUnit.MILLISECONDS.toNanos(50),
                timeoutNanos / 4));
    }

    /** One HTTP connection: busy from a request's complete headers to its answer; else receiving or idle. */
    private static final class Watch {
        volatile boolean busy;
        volatile long bytesInWhenIdle;
        long receivingSince = -1; // read and written by the sweep only
    }

    @Override
    public void onOpened(Connection connection) {
        if (connection instanceof ConnectionMetaData) { // the HTTP connection, not the TLS layer under it
            watched.put(connection, new Watch());
        }
    }

    @Override
    public void onClosed(Connection connection) {
        watched.remove(connection);
    }

    /** {@code request}'s headers are complete: its connection is busy until the request completes. */
    void requestReceived(Request request) {
        Connection connection = request.getConnectionMetaData().getConnection();
        Watch watch = watched.get(connection);
        if (watch == null) {
            return;
        }
        watch.busy = true;
        Request.addCompletionListener(request, failure -> {
            watch.bytesInWhenIdle = connection.getBytesIn();
            watch.busy = false;
        });
    }

    @Override
    protected void doStart() {
        sweep = scheduler.schedule(this::sweep, sweepNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    protected void doStop() {
        Scheduler.Task task = sweep;
        if (task != null) {
            task.cancel();
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        watched.forEach((connection, watch) -> {
            if (watch.busy || connection.getBytesIn() == watch.bytesInWhenIdle) {
                watch.receivingSince = -1;
            } else if (watch.receivingSince < 0) {
                watch.receivingSince = now;
            } else if (now - watch.receivingSince > timeoutNanos) {
                connection.getEndPoint().close();
            }
        });
        if (isRunning()) {
            sweep = scheduler.schedule(this::sweep, sweepNanos, TimeUnit.NANOSECONDS);
        }
    }
}
