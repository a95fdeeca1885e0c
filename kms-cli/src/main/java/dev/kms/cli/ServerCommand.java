package dev.kms.cli;

import dev.kms.core.model.Deployment;
import dev.kms.core.service.MaintenanceScheduler;
import dev.kms.server.ApiEndpoint;
import dev.kms.server.AuthenticatorCredentials;
import dev.kms.server.KmsHttpServer;
import dev.kms.server.SigV4Verifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * {@code kms server}: the service of KMS_HOME (the same token, stores, identities and audit trail a command
 * opens) served over HTTP with SigV4 until SIGTERM or Ctrl-C, with the due rotations and deletions run on a
 * schedule. It is long-running, so stdout stays empty: the banner (endpoint, region, the bootstrap
 * administrator's credentials file and an aws CLI example) goes to stderr.
 */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Serves the AWS KMS API (JSON 1.1 over HTTP, SigV4) of KMS_HOME until SIGTERM or Ctrl-C.")
final class ServerCommand implements Callable<Integer> {
    static final int DEFAULT_PORT = 4599;
    static final Duration MAINTENANCE_INTERVAL = Duration.ofSeconds(60);
    /** How long a SIGTERM waits for the requests in flight and the closing of trail, stores and token. */
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(60);
    private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_./:@%+=,-]+");

    @Spec
    CommandSpec spec;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to listen on. Default: ${DEFAULT-VALUE} (loopback only)")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + DEFAULT_PORT,
            description = "Port to listen on; 0 picks a free one. Default: ${DEFAULT-VALUE}")
    int port;

    private final CompletableFuture<URI> started = new CompletableFuture<>();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);

    @Override
    public Integer call() {
        try {
            return serve((KmsCli) spec.root().userObject());
        } catch (RuntimeException | Error e) {
            started.completeExceptionally(e);
            throw e;
        } finally {
            stopped.countDown();
        }
    }

    private int serve(KmsCli cli) {
        cli.requireLocal();
        KmsHome home = cli.kmsHome();
        PrintWriter err = spec.commandLine().getErr();
        try (KmsSession session = KmsSession.open(home, cli.env())) {
            Deployment deployment = session.kms().deployment();
            if (cli.region() != null && !cli.region().equals(deployment.region())) {
                throw new CliException("--region " + cli.region() + " is not the region of " + home.configFile()
                        + " (" + deployment.region() + "); one server serves the one region its ciphertexts are bound to");
            }
            boolean written = BootstrapAdministrator.ensure(session, home);
            Clock clock = Clock.systemUTC();
            KmsHttpServer.Options defaults = KmsHttpServer.Options.defaults(port);
            KmsHttpServer.Options options = new KmsHttpServer.Options(host, port, defaults.maxThreads(),
                    defaults.maxConcurrentRequests(), defaults.maxQueuedRequests(), defaults.maxQueueWait(),
                    defaults.maxBodyBytes(), defaults.stopTimeout(), defaults.idleTimeout());
            ApiEndpoint endpoint = new ApiEndpoint(session::call, new SigV4Verifier(deployment.region(), clock,
                    new AuthenticatorCredentials(session.identity().authenticator())), session::ready,
                    options.maxBodyBytes());
            // Closed in reverse: the HTTP server first (stop accepting, finish in-flight), then the scheduler,
            // then the session (trail, stores, token).
            try (MaintenanceScheduler scheduler = new MaintenanceScheduler(session::runMaintenance,
                    MAINTENANCE_INTERVAL);
                 KmsHttpServer http = start(options, endpoint, clock)) {
                Thread hook = new Thread(this::stopOnSignal, "kms-server-shutdown");
                Runtime.getRuntime().addShutdownHook(hook);
                banner(err, home, deployment, http.endpoint(), written);
                started.complete(http.endpoint());
                awaitStopRequest();
                err.println("kms server: stopping (finishing requests in flight)");
                err.flush();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is what asked us to stop, and waits for us
                }
            }
        }
        err.println("kms server: stopped");
        err.flush();
        return 0;
    }

    private static KmsHttpServer start(KmsHttpServer.Options options, ApiEndpoint endpoint, Clock clock) {
        try {
            return new KmsHttpServer(options, endpoint, clock).start();
        } catch (IllegalStateException e) {
            throw new CliException(e.getMessage());
        }
    }

    private void banner(PrintWriter err, KmsHome home, Deployment deployment, URI endpoint, boolean written) {
        Path credentials = BootstrapAdministrator.file(home);
        URI example = endpoint;
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            example = URI.create("http://127.0.0.1:" + endpoint.getPort());
        }
        err.println("kms server: serving the AWS KMS API of " + home);
        err.println("  endpoint     " + endpoint);
        err.println("  region       " + deployment.region());
        err.println("  account      " + deployment.accountId());
        err.println("  credentials  " + credentials + " (profile " + BootstrapAdministrator.PROFILE
                + ", owner-only" + (written ? ", written now" : ", written on first start") + ")");
        err.println("Try:");
        err.println("  AWS_SHARED_CREDENTIALS_FILE=" + quote(credentials.toString()) + " aws kms list-keys --profile "
                + BootstrapAdministrator.PROFILE + " --endpoint-url " + example + " --region " + deployment.region());
        err.println("Stop with Ctrl-C or SIGTERM.");
        err.flush();
    }

    private static String quote(String word) {
        return SHELL_SAFE.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'";
    }

    private void awaitStopRequest() {
        try {
            stopRequested.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The shutdown hook: ask the serving thread to stop, and keep the JVM alive until it has closed everything. */
    private void stopOnSignal() {
        stopRequested.countDown();
        try {
            stopped.await(SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Asks a running server to stop as SIGTERM does (tests run it in-process). */
    void stop() {
        stopRequested.countDown();
    }

    /** The endpoint once serving; the start failure if it failed. */
    URI awaitStarted(Duration timeout) throws InterruptedException, TimeoutException {
        try {
            return started.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("kms server failed to start: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** Waits until the server has closed everything. */
    boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
