package dev.kms.cli;

import dev.kms.server.ServerCommand;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * {@code kms --home HOME server --port 0} run in-process on a thread of its own over a {@link CliFixture}'s home,
 * with its stdout and stderr captured; the constructor returns once it listens.
 */
final class InProcessServer {
    final URI endpoint;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    private final ServerCommand command;
    private final Thread thread;
    private final AtomicInteger exit = new AtomicInteger(-1);

    InProcessServer(CliFixture kms, String threadName) throws Exception {
        CommandLine cli = KmsCli.commandLine(new KmsCli(kms.env));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        command = (ServerCommand) cli.getSubcommands().get("server").getCommand();
        thread = new Thread(() -> exit.set(cli.execute("--home", kms.home.toString(), "server", "--port", "0")),
                threadName);
        thread.start();
        endpoint = command.awaitStarted(Duration.ofSeconds(90));
    }

    boolean isRunning() {
        return thread.isAlive();
    }

    /** The exit code of {@code kms server}; -1 while it runs. */
    int exit() {
        return exit.get();
    }

    /** Stops it as SIGTERM does and waits up to a minute for it to finish. */
    void stop() throws InterruptedException {
        command.stop();
        thread.join(Duration.ofSeconds(60).toMillis());
    }

    /** Stops it; it must finish with exit code 0, having printed nothing on stdout. */
    void stopCleanly() throws InterruptedException {
        stop();
        assertFalse(thread.isAlive(), "the server did not stop");
        assertEquals(0, exit.get(), err::toString);
        assertEquals("", out.toString(), "stdout of kms server");
    }
}
