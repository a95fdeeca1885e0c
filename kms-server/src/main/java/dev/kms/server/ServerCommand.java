package dev.kms.server;

import dev.kms.core.model.Deployment;
import dev.kms.core.service.MaintenanceScheduler;
import dev.kms.node.CommandHost;
import dev.kms.node.KmsHome;
import dev.kms.node.KmsNode;
import dev.kms.node.NodeException;
import dev.kms.node.ProvidedCommand;
import dev.kms.wire.SigV4Verifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * {@code kms server}: the service of KMS_HOME (the same token, stores, identities and audit trail a command
 * opens) served over HTTP with SigV4 until SIGTERM or Ctrl-C (the KMS API, and IAM and STS in the Query protocol),
 * with the due rotations and deletions run on a schedule. Its logs are JSON lines on stdout ({@link ServerLogging}),
 * one per answered API request among them; the banner (endpoint, region, the bootstrap administrator's credentials
 * file and an aws CLI example) is for people and goes to stderr.
 */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Serves the AWS KMS API (JSON 1.1 over HTTP, SigV4), and IAM and STS (Query API), of KMS_HOME "
                + "until SIGTERM or Ctrl-C.")
public final class ServerCommand implements Callable<Integer>, ProvidedCommand {
    public static final int DEFAULT_PORT = 4599;
    /** Where the PKCS#12 password may come from besides --tls-pkcs12-password-file; never an argument. */
    public static final String TLS_PKCS12_PASSWORD_ENV = "KMS_TLS_PKCS12_PASSWORD";
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

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "Serve HTTPS with this PEM certificate chain (server certificate first); needs --tls-key")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE",
            description = "The PEM PKCS#8 private key (BEGIN PRIVATE KEY) of --tls-cert")
    Path tlsKey;

    @Option(names = "--tls-pkcs12", paramLabel = "FILE",
            description = "Serve HTTPS with the key and chain of this PKCS#12 keystore; its password from "
                    + "--tls-pkcs12-password-file or " + TLS_PKCS12_PASSWORD_ENV)
    Path tlsPkcs12;

    @Option(names = "--tls-pkcs12-password-file", paramLabel = "FILE",
            description = "A file holding the --tls-pkcs12 password (one line)")
    Path tlsPkcs12PasswordFile;

    @Option(names = "--requests-per-second", paramLabel = "RATE",
            defaultValue = "" + RequestRateLimiter.DEFAULT_REQUESTS_PER_SECOND,
            description = "API requests per second per account before ThrottlingException (bursts of one second's "
                    + "worth). Default: ${DEFAULT-VALUE}, the reference's symmetric cryptographic quota")
    double requestsPerSecond;

    @Option(names = "--metrics-from-any-address",
            description = "Answer GET /metrics (unauthenticated) to any client, not only to loopback ones")
    boolean metricsFromAnyAddress;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "INFO",
            description = "Level of the JSON log lines on stdout: ${COMPLETION-CANDIDATES}. INFO includes one line "
                    + "per API request (logger dev.kms.server.access); WARN leaves those out. Default: ${DEFAULT-VALUE}")
    ServerLogging.LogLevel logLevel;

    private final CompletableFuture<URI> started = new CompletableFuture<>();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);

    @Override
    public Integer call() {
        try {
            return serve((CommandHost) spec.root().userObject());
        } catch (RuntimeException | Error e) {
            started.completeExceptionally(e);
            throw e;
        } finally {
            stopped.countDown();
        }
    }

    private int serve(CommandHost cli) {
        cli.requireLocal();
        TlsCredentials tls = tls(cli); // before KMS_HOME is opened: a wrong option changes nothing
        RequestRateLimiter limiter = rateLimiter();
        KmsHome home = cli.kmsHome();
        PrintWriter err = spec.commandLine().getErr();
        ServerLogging logging = ServerLogging.start(logLevel);
        try (logging; KmsNode session = KmsNode.open(home, cli.env())) {
            Deployment deployment = session.kms().deployment();
            if (cli.region() != null && !cli.region().equals(deployment.region())) {
                throw new NodeException("--region " + cli.region() + " is not the region of " + home.configFile()
                        + " (" + deployment.region() + "); one server serves the one region its ciphertexts are bound to");
            }
            boolean written = BootstrapAdministrator.ensure(session, home);
            Clock clock = Clock.systemUTC();
            KmsHttpServer.Options options = KmsHttpServer.Options.defaults(port).withHost(host)
                    .withTls(tls)
                    .withMetricsAccess(metricsFromAnyAddress ? KmsHttpServer.MetricsAccess.ANY
                            : KmsHttpServer.MetricsAccess.LOOPBACK);
            AuthenticatorCredentials credentials = new AuthenticatorCredentials(session.identity().authenticator());
            QueryApiEndpoint identityApi = new QueryApiEndpoint(session::callIdentity, deployment.region(), clock,
                    credentials, limiter);
            ApiEndpoint endpoint = new ApiEndpoint(session::call, new SigV4Verifier(deployment.region(), clock,
                    credentials), session::ready, options.maxBodyBytes(), limiter, identityApi);
            // Closed in reverse: the HTTP server first (stop accepting, finish in-flight), then the scheduler,
            // then the session (trail, stores, token).
            try (MaintenanceScheduler scheduler = new MaintenanceScheduler(session::runMaintenance,
                    MAINTENANCE_INTERVAL);
                 KmsHttpServer http = start(options, endpoint, clock)) {
                http.metrics().bindHsmSessionPool(session.hsmSessionPool());
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

    private RequestRateLimiter rateLimiter() {
        try {
            return RequestRateLimiter.perAccount(requestsPerSecond);
        } catch (IllegalArgumentException e) {
            throw new NodeException("--requests-per-second must be a positive number");
        }
    }

    /** The TLS credentials the options name, or null for plain HTTP. */
    private TlsCredentials tls(CommandHost cli) {
        boolean pem = tlsCert != null || tlsKey != null;
        if (pem && tlsPkcs12 != null) {
            throw new NodeException("use either --tls-cert and --tls-key or --tls-pkcs12, not both");
        }
        if (tlsPkcs12PasswordFile != null && tlsPkcs12 == null) {
            throw new NodeException("--tls-pkcs12-password-file needs --tls-pkcs12");
        }
        try {
            if (pem) {
                if (tlsCert == null || tlsKey == null) {
                    throw new NodeException("--tls-cert and --tls-key go together");
                }
                return TlsCredentials.fromPem(tlsCert, tlsKey);
            }
            if (tlsPkcs12 == null) {
                return null;
            }
            char[] password = pkcs12Password(cli.env());
            try {
                return TlsCredentials.fromPkcs12(tlsPkcs12, password);
            } finally {
                Arrays.fill(password, '\0');
            }
        } catch (IllegalArgumentException e) {
            throw new NodeException(e.getMessage());
        }
    }

    private char[] pkcs12Password(Map<String, String> env) {
        String fromEnv = env.get(TLS_PKCS12_PASSWORD_ENV);
        if ((tlsPkcs12PasswordFile == null) == (fromEnv == null)) {
            throw new NodeException("--tls-pkcs12 needs its password from exactly one of --tls-pkcs12-password-file "
                    + "and " + TLS_PKCS12_PASSWORD_ENV);
        }
        if (fromEnv != null) {
            return fromEnv.toCharArray();
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(tlsPkcs12PasswordFile);
        } catch (IOException e) {
            throw new NodeException("cannot read the password file " + tlsPkcs12PasswordFile + ": " + e.getMessage());
        }
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes));
            int end = chars.limit();
            while (end > 0 && (chars.get(end - 1) == '\n' || chars.get(end - 1) == '\r')) {
                end--;
            }
            char[] password = new char[end];
            chars.get(password);
            Arrays.fill(chars.array(), '\0');
            return password;
        } catch (CharacterCodingException e) {
            throw new NodeException("the password file " + tlsPkcs12PasswordFile + " is not UTF-8 text");
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static KmsHttpServer start(KmsHttpServer.Options options, ApiEndpoint endpoint, Clock clock) {
        try {
            return new KmsHttpServer(options, endpoint, clock).start();
        } catch (IllegalStateException e) {
            throw new NodeException(e.getMessage());
        }
    }

    private void banner(PrintWriter err, KmsHome home, Deployment deployment, URI endpoint, boolean written) {
        Path credentials = BootstrapAdministrator.file(home);
        URI example = endpoint;
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            example = URI.create(endpoint.getScheme() + "://127.0.0.1:" + endpoint.getPort());
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
    public void stop() {
        stopRequested.countDown();
    }

    /** The endpoint once serving; the start failure if it failed. */
    public URI awaitStarted(Duration timeout) throws InterruptedException, TimeoutException {
        try {
            return started.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("kms server failed to start: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** Waits until the server has closed everything. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
