package dev.kms.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kms.api.AuditedKmsApi;
import dev.kms.api.KmsJsonApi;
import dev.kms.audit.FileAuditTrail;
import dev.kms.bench.Measurement.Op;
import dev.kms.bench.Measurement.Result;
import dev.kms.core.ciphertext.CiphertextBlob;
import dev.kms.core.ciphertext.EncryptionContext;
import dev.kms.core.identity.CreatedAccessKey;
import dev.kms.core.identity.IdentityDirectory;
import dev.kms.core.identity.IdentityServices;
import dev.kms.core.model.KeyRef;
import dev.kms.core.model.KeySpec;
import dev.kms.core.model.KmsKey;
import dev.kms.core.model.MaterialId;
import dev.kms.core.secret.Plaintext;
import dev.kms.core.secret.Secret;
import dev.kms.core.service.DataKeySpec;
import dev.kms.core.service.Kms;
import dev.kms.node.KmsNode;
import dev.kms.server.ApiEndpoint;
import dev.kms.server.AuthenticatorCredentials;
import dev.kms.server.KmsHttpServer;
import dev.kms.server.KmsOperations;
import dev.kms.server.RequestRateLimiter;
import dev.kms.wire.AwsJson;
import dev.kms.wire.SigV4Signer;
import dev.kms.wire.SigV4Verifier;
import org.xipki.pkcs11.wrapper.Mechanism;
import org.xipki.pkcs11.wrapper.Session;
import org.xipki.pkcs11.wrapper.params.GCM_PARAMS;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_AES_GCM;

/**
 * Encrypt (64 B), Decrypt and GenerateDataKey over HTTP/1.1 keep-alive with SigV4, against {@link KmsHttpServer}
 * in this JVM on the assembly {@code kms server} runs ({@link KmsNode}: SQLite metadata behind a 1 s cache, SQLite
 * identities, IdentityDirectory, AuditedKmsApi into a FileAuditTrail sealed in the token), next to the same server
 * without the audit trail, {@link ApiEndpoint#handle} called directly (no Jetty, no socket), the core call
 * {@code kms.crypto()} on the same wiring, and raw C_Encrypt/C_Decrypt, all measured in the same run, with the CPU
 * time per request split between the callers, the server's threads, the audit writer and the rest of the JVM. Issue
 * 4 asks for 10,000 Encrypt requests/s at 16 connections with p99 under 10 ms, and at least 50% of the in-process
 * figure.
 */
final class HttpLoadBench extends BenchPhase {
    private static final String USER = "bench-http";
    /** Allows the three measured operations on every key; the default key policy delegates to IAM. */
    private static final String IDENTITY_POLICY = """
            {"Version": "2012-10-17", "Statement": [{"Sid": "Bench", "Effect": "Allow",
              "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*"}]}""";
    /**
     * The product's default per-account quota (10,000/s) would itself cap the target figure, so the bench lifts it
     * to measure what the server can do; the quota is a policy choice, not a cost.
     */
    private static final double UNLIMITED_RATE = 1e9;
    private static final int PLAINTEXT_BYTES = 64;
    private static final ObjectMapper JSON = new ObjectMapper();

    HttpLoadBench(BenchOptions options, PrintStream out, PrintStream progress, BenchNodes nodes, RawToken raw) {
        super(options, out, progress, nodes, raw);
    }

    /** One operation by each path; the HTTP and endpoint paths send this pre-signed request. */
    private record Operation(String name, String target, byte[] body, Op raw, Op core) {
    }

    /** The access key the clients sign with. */
    private record Credentials(String accessKeyId, Secret secret) {
    }

    void run(KmsKey key) throws Exception {
        Clock clock = Clock.systemUTC();
        // The server's node: keys and aliases cached for 1 s, identity policies re-read after 5 s.
        try (KmsNode node = nodes.audited(KmsNode.METADATA_TTL)) {
            Kms kms = node.kms();
            IdentityServices identity = node.identity();
            Credentials credentials = createUser(identity);
            try {
                ApiEndpoint auditedEndpoint = endpoint(node::call, identity, clock);
                ApiEndpoint plainEndpoint = endpoint(new KmsJsonApi(kms)::call, identity, clock);
                KmsHttpServer.Options serverOptions = KmsHttpServer.Options.defaults(0);
                try (KmsHttpServer auditedServer = new KmsHttpServer(serverOptions, auditedEndpoint, clock).start();
                     KmsHttpServer plainServer = new KmsHttpServer(serverOptions, plainEndpoint, clock).start()) {
                    List<Operation> operations = operations(key, kms);
                    check(kms, operations, credentials, List.of(plainServer.endpoint(), auditedServer.endpoint()));
                    measure(operations, credentials, plainEndpoint, plainServer.endpoint(), auditedServer.endpoint(),
                            node.auditTrail());
                    verifyAlone(operations.get(0), credentials, identity, clock, plainServer.endpoint());
                }
            } finally {
                credentials.secret().destroy();
            }
        }
    }

    /** As {@code kms server}: SigV4 against the identity store's access keys. */
    private static ApiEndpoint endpoint(KmsOperations operations, IdentityServices identity, Clock clock) {
        return new ApiEndpoint(operations, new SigV4Verifier(KmsBench.DEPLOYMENT.region(), clock,
                new AuthenticatorCredentials(identity.authenticator())), () -> true,
                KmsHttpServer.Options.DEFAULT_MAX_BODY_BYTES, RequestRateLimiter.perAccount(UNLIMITED_RATE));
    }

    private static Credentials createUser(IdentityServices identity) {
        identity.iam().createUser(KmsBench.OPERATOR, USER);
        identity.iam().putUserPolicy(KmsBench.OPERATOR, USER, "bench-http", IDENTITY_POLICY);
        try (CreatedAccessKey created = identity.iam().createAccessKey(KmsBench.OPERATOR, USER)) {
            return new Credentials(created.accessKey().accessKeyId(),
                    Secret.adopt(created.secretAccessKey().chars().clone()));
        }
    }

    private List<Operation> operations(KmsKey key, Kms kms) throws Exception {
        String keyId = key.keyId();
        KeyRef ref = KeyRef.parse(keyId, "keyId");
        MaterialId material = key.currentMaterial().id();
        long handle = raw.handle(material);
        byte[] aad = associatedData(key, EncryptionContext.empty());
        int maxThreads = options.httpThreads().stream().max(Integer::compare).orElseThrow();
        SecureRandom[] ivs = new SecureRandom[maxThreads];
        for (int t = 0; t < maxThreads; t++) {
            ivs[t] = new SecureRandom();
        }
        byte[] data = new byte[PLAINTEXT_BYTES];
        new SecureRandom().nextBytes(data);
        byte[] iv = new byte[12];
        ivs[0].nextBytes(iv);
        byte[] rawCiphertext = raw.session(0).encryptSingle(gcm(iv, aad), handle, data);
        byte[] blob = kms.crypto().encrypt(KmsBench.OPERATOR, ref, data, Map.of(), null).ciphertextBlob();
        Base64.Encoder b64 = Base64.getEncoder();
        int dataKeyBytes = DataKeySpec.AES_256.bytes();
        return List.of(
                new Operation("Encrypt 64 B", "Encrypt",
                        body(Map.of("KeyId", keyId, "Plaintext", b64.encodeToString(data))),
                        t -> raw.session(t).encryptSingle(gcm(fresh(ivs[t]), aad), handle, data),
                        t -> kms.crypto().encrypt(KmsBench.OPERATOR, ref, data, Map.of(), null)),
                new Operation("Decrypt 64 B", "Decrypt",
                        body(Map.of("CiphertextBlob", b64.encodeToString(blob))),
                        t -> raw.session(t).decryptSingle(gcm(iv, aad), handle, rawCiphertext),
                        t -> kms.crypto().decrypt(KmsBench.OPERATOR, blob, Map.of(), null, null).plaintext().destroy()),
                new Operation("GenerateDataKey AES_256", "GenerateDataKey",
                        body(Map.of("KeyId", keyId, "KeySpec", "AES_256")),
                        t -> {
                            Session session = raw.session(t);
                            byte[] dataKey = session.generateRandom(dataKeyBytes);
                            session.encryptSingle(gcm(fresh(ivs[t]), aad), handle, dataKey);
                            Arrays.fill(dataKey, (byte) 0);
                        },
                        t -> kms.crypto().generateDataKey(KmsBench.OPERATOR, ref, Map.of(), DataKeySpec.AES_256, null,
                                true).plaintext().destroy()));
    }

    private static byte[] body(Map<String, String> members) throws IOException {
        return JSON.writeValueAsBytes(new TreeMap<>(members));
    }

    /** Every path must really answer: HTTP Encrypt round-trips through the core, HTTP Decrypt returns the data. */
    private void check(Kms kms, List<Operation> operations, Credentials credentials, List<URI> endpoints)
            throws Exception {
        for (URI endpoint : endpoints) {
            try (Connection connection = new Connection(endpoint)) {
                for (Operation operation : operations) {
                    JsonNode answer = JSON.readTree(connection.exchange(signed(operation, credentials, endpoint)));
                    if (operation.target().equals("Encrypt")) {
                        byte[] blob = Base64.getDecoder().decode(answer.get("CiphertextBlob").textValue());
                        try (Plaintext opened = kms.crypto().decrypt(KmsBench.OPERATOR, blob, Map.of(), null, null)
                                .plaintext()) {
                            String sent = JSON.readTree(operation.body()).get("Plaintext").textValue();
                            if (!sent.equals(Base64.getEncoder().encodeToString(opened.bytes()))) {
                                throw new IllegalStateException("HTTP Encrypt did not round-trip");
                            }
                        }
                    } else if (!answer.hasNonNull("Plaintext") && !answer.hasNonNull("CiphertextBlob")) {
                        throw new IllegalStateException(operation.target() + " answered " + answer);
                    }
                }
            }
        }
    }

    /**
     * The bytes of one HTTP/1.1 request, signed now with kms-server's {@link SigV4Signer}. Every call of a phase
     * resends them: the verifier accepts a signature for {@link SigV4Verifier#MAX_SKEW}, and each phase signs anew.
     */
    private static byte[] signed(Operation operation, Credentials credentials, URI endpoint) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", AwsJson.CONTENT_TYPE);
        headers.put("X-Amz-Target", AwsJson.TARGET_PREFIX + operation.target());
        Map<String, String> signed = new SigV4Signer(KmsBench.DEPLOYMENT.region()).sign("POST", endpoint, headers,
                operation.body(), credentials.accessKeyId(), credentials.secret().chars(), null, Instant.now());
        StringBuilder head = new StringBuilder("POST / HTTP/1.1\r\n");
        signed.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append("Content-Length: ").append(operation.body().length).append("\r\n\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] request = Arrays.copyOf(headBytes, headBytes.length + operation.body().length);
        System.arraycopy(operation.body(), 0, request, headBytes.length, operation.body().length);
        return request;
    }

    /** The same signed request as {@link ApiEndpoint#handle} receives it from Jetty. */
    private static ApiEndpoint.Call call(Operation operation, Credentials credentials, URI endpoint) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", AwsJson.CONTENT_TYPE);
        headers.put("X-Amz-Target", AwsJson.TARGET_PREFIX + operation.target());
        Map<String, String> signed = new SigV4Signer(KmsBench.DEPLOYMENT.region()).sign("POST", endpoint, headers,
                operation.body(), credentials.accessKeyId(), credentials.secret().chars(), null, Instant.now());
        Map<String, List<String>> multi = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        signed.forEach((name, value) -> multi.put(name, List.of(value)));
        multi.put("Content-Length", List.of(Integer.toString(operation.body().length)));
        return new ApiEndpoint.Call("POST", "/", null, multi, operation.body(), "127.0.0.1");
    }

    private static Mechanism gcm(byte[] iv, byte[] aad) {
        return new Mechanism(CKM_AES_GCM, new GCM_PARAMS(iv, aad, 128));
    }

    private static byte[] fresh(SecureRandom random) {
        byte[] iv = new byte[12];
        random.nextBytes(iv);
        return iv;
    }

    // ---------------------------------------------------------------- measuring

    /** The paths of every operation and concurrency, in the order they run; bench.httpPaths picks by key. */
    private static final String[] PATHS = {"raw PKCS#11", "in-process kms.crypto()", "ApiEndpoint, no HTTP",
            "HTTP, no audit", "HTTP + audit (product)"};
    static final List<String> PATH_KEYS = List.of("raw", "inproc", "endpoint", "http", "audited");
    private static final int RAW = 0;
    private static final int IN_PROCESS = 1;
    private static final int ENDPOINT = 2;
    private static final int HTTP = 3;
    private static final int AUDITED = 4;
    private static final int WARM_UP_THREADS = 4;
    /** Thread names (as /proc shows them, 15 characters) of the server's pool and of the trail's writer. */
    private static final String SERVER_THREADS = "kms-http";
    private static final String WRITER_THREAD = "audit-trail-wri";

    /** One path's run of one phase, given what to do once the timed phase starts. */
    @FunctionalInterface
    private interface Phase {
        Result run(Runnable atTimedStart) throws Exception;
    }

    /** CPU nanoseconds of one path's timed phases: the whole JVM, the server's threads, the audit writer. */
    private static final class Cpu {
        long total;
        long server;
        long writer;
        long systemTicks;
    }

    private void measure(List<Operation> operations, Credentials credentials, ApiEndpoint endpoint, URI plain,
                         URI audited, FileAuditTrail trail) throws Exception {
        List<String> rows = new ArrayList<>();
        List<Integer> selected = new ArrayList<>();
        for (int i = 0; i < PATHS.length; i++) {
            if (options.httpPaths().contains(PATH_KEYS.get(i))) {
                selected.add(i);
            }
        }
        warmUp(operations, credentials, endpoint, plain, audited, selected);
        for (int threads : options.httpThreads()) {
            for (Operation operation : operations) {
                progress.printf(Locale.ROOT, "kms-bench: http, %s, %d connections%n", operation.name(), threads);
                Phase[] phases = {
                    s -> Measurement.run(operation.raw(), threads, options.warmup(), options.duration(), s),
                    s -> Measurement.run(operation.core(), threads, options.warmup(), options.duration(), s),
                    s -> runEndpoint(operation, credentials, endpoint, plain, threads, s),
                    s -> runHttp(operation, credentials, plain, threads, s),
                    s -> runHttp(operation, credentials, audited, threads, s)};
                List<List<Result>> parts = new ArrayList<>();
                Cpu[] cpu = new Cpu[PATHS.length];
                for (int i = 0; i < PATHS.length; i++) {
                    parts.add(new ArrayList<>());
                    cpu[i] = new Cpu();
                }
                long syncs = 0;
                for (int round = 0; round < options.rounds(); round++) {
                    // Forward in even rounds, reversed in odd ones, so drift of a noisy machine hits every path.
                    for (int k = 0; k < selected.size(); k++) {
                        int i = selected.get(round % 2 == 0 ? k : selected.size() - 1 - k);
                        long[] before = new long[3];
                        List<Map<String, Map<String, Long>>> threadsBefore = new ArrayList<>();
                        Result r = phases[i].run(() -> {
                            before[0] = trail.syncCount();
                            threadsBefore.add(ThreadCpu.snapshot(SERVER_THREADS, WRITER_THREAD));
                            before[1] = processCpuNanos();
                            before[2] = ThreadCpu.processSystemTicks();
                        });
                        cpu[i].total += processCpuNanos() - before[1];
                        cpu[i].systemTicks += ThreadCpu.processSystemTicks() - before[2];
                        Map<String, Map<String, Long>> threadsAfter = ThreadCpu.snapshot(SERVER_THREADS, WRITER_THREAD);
                        cpu[i].server += ThreadCpu.spent(threadsBefore.get(0), threadsAfter, SERVER_THREADS);
                        cpu[i].writer += ThreadCpu.spent(threadsBefore.get(0), threadsAfter, WRITER_THREAD);
                        if (i == AUDITED) {
                            syncs += trail.syncCount() - before[0];
                        }
                        parts.get(i).add(r);
                    }
                }
                Result[] merged = new Result[PATHS.length];
                for (int i : selected) {
                    merged[i] = Result.merge(parts.get(i));
                }
                for (int i : selected) {
                    Result m = merged[i];
                    String note = i == AUDITED && syncs > 0
                            ? String.format(Locale.ROOT, "%.1f events/fsync", (double) m.ops() / syncs) : "";
                    long rest = cpu[i].total - m.callerCpuNanos() - cpu[i].server - cpu[i].writer;
                    rows.add(String.format(Locale.ROOT,
                            "%-24s %-24s %5d %9.0f %9.1f %10.1f %7.0f %5.0f%% %7.0f %7.0f %7.0f %7.0f %8s %7s  %s",
                            operation.name(), PATHS[i], threads, m.opsPerSecond(), m.percentileMicros(50),
                            m.percentileMicros(99), perRequest(cpu[i].total, m),
                            100.0 * cpu[i].systemTicks * ThreadCpu.NANOS_PER_TICK / Math.max(1, cpu[i].total),
                            perRequest(m.callerCpuNanos(), m),
                            perRequest(cpu[i].server, m), perRequest(cpu[i].writer, m), perRequest(rest, m),
                            i == IN_PROCESS ? "-" : ratio(m, merged[IN_PROCESS]),
                            i == RAW ? "-" : ratio(m, merged[RAW]), note).stripTrailing());
                }
            }
        }
        out.println();
        out.println("HTTP: KmsHttpServer in this JVM (product wiring: kms server's KmsSession stores, 1 s metadata"
                + " cache, IAM user, SigV4, HTTP/1.1 keep-alive, one raw socket per connection, client threads in the"
                + " same JVM on the same cores); conc = connections = client threads; CPU us/req = CPU time during"
                + " the timed phase / requests: total = the whole JVM, sys = its share in the kernel, caller = the calling (client) threads,"
                + " server = Jetty's kms-http pool, audit = the trail's writer thread, rest = total - those (JIT, GC,"
                + " Jetty's scheduler); / in-proc = / the in-process kms.crypto() row");
        String header = String.format(Locale.ROOT, "%-24s %-24s %5s %9s %9s %10s %7s %6s %7s %7s %7s %7s %8s %7s",
                "operation", "path", "conc", "req/s", "p50 us", "p99 us", "CPU us", "sys", "caller", "server", "audit",
                "rest", "/in-proc", "/ raw");
        out.println(header);
        out.println("-".repeat(header.length()));
        rows.forEach(out::println);
    }

    /**
     * Every path and operation once, untimed, before the first figure: otherwise the first operation's rows measure
     * the JIT compiling the HTTP, SigV4, JSON and audit code rather than running it.
     */
    private void warmUp(List<Operation> operations, Credentials credentials, ApiEndpoint endpoint, URI plain,
                        URI audited, List<Integer> selected) throws Exception {
        progress.println("kms-bench: http, warming up every path");
        Duration nothing = Duration.ZERO;
        Duration warmup = options.warmup().multipliedBy(2);
        for (Operation operation : operations) {
            for (int i : selected) {
                switch (i) {
                    case RAW -> Measurement.run(operation.raw(), WARM_UP_THREADS, warmup, nothing);
                    case IN_PROCESS -> Measurement.run(operation.core(), WARM_UP_THREADS, warmup, nothing);
                    case ENDPOINT -> runEndpoint(operation, credentials, endpoint, plain, WARM_UP_THREADS, () -> { }, warmup);
                    case HTTP -> runHttp(operation, credentials, plain, WARM_UP_THREADS, () -> { }, warmup);
                    default -> runHttp(operation, credentials, audited, WARM_UP_THREADS, () -> { }, warmup);
                }
            }
        }
    }

    private static double perRequest(long nanos, Result result) {
        return nanos / 1e3 / result.ops();
    }

    /**
     * SigV4Verifier.verify of the Encrypt request on one thread, as ApiEndpoint calls it for every request: the
     * access-key lookup (AuthenticatorCredentials, which reads the identity store once per key and second), the
     * signing key (cached per key and day) and the HMAC over the canonical request.
     */
    private void verifyAlone(Operation operation, Credentials credentials, IdentityServices identity, Clock clock,
                             URI uri) throws Exception {
        SigV4Verifier verifier = new SigV4Verifier(KmsBench.DEPLOYMENT.region(), clock,
                new AuthenticatorCredentials(identity.authenticator()));
        ApiEndpoint.Call call = call(operation, credentials, uri);
        SigV4Verifier.SignedRequest request = new SigV4Verifier.SignedRequest(call.method(), call.rawPath(),
                call.rawQuery(), call.headers(), call.body());
        long[] before = new long[1];
        Result r = Measurement.run(t -> verifier.verify(request), 1, options.warmup(), options.duration(),
                () -> before[0] = processCpuNanos());
        long cpu = processCpuNanos() - before[0];
        out.printf(Locale.ROOT, "SigV4Verifier.verify alone (Encrypt request, 1 thread): %.0f/s, p50 %.1f us,"
                + " p99 %.1f us, CPU %.0f us/call%n", r.opsPerSecond(), r.percentileMicros(50),
                r.percentileMicros(99), cpu / 1e3 / r.ops());
    }

    /** CPU time of this JVM, all threads: on 2 shared cores it tells cost per request apart from waiting. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static String ratio(Result result, Result baseline) {
        if (baseline == null) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.1f%%", 100 * result.opsPerSecond() / baseline.opsPerSecond());
    }

    private Result runEndpoint(Operation operation, Credentials credentials, ApiEndpoint endpoint, URI uri, int threads,
                               Runnable atTimedStart) throws Exception {
        return runEndpoint(operation, credentials, endpoint, uri, threads, atTimedStart, options.duration());
    }

    private Result runEndpoint(Operation operation, Credentials credentials, ApiEndpoint endpoint, URI uri, int threads,
                               Runnable atTimedStart, Duration duration) throws Exception {
        ApiEndpoint.Call call = call(operation, credentials, uri);
        return Measurement.run(t -> {
            ApiEndpoint.Answer answer = endpoint.handle(call, ApiEndpoint.newRequestId());
            if (answer.status() != 200) {
                throw new IllegalStateException(operation.target() + " answered " + answer.status() + " "
                        + new String(answer.body(), StandardCharsets.UTF_8));
            }
        }, threads, options.warmup(), duration, atTimedStart);
    }

    private Result runHttp(Operation operation, Credentials credentials, URI endpoint, int threads,
                           Runnable atTimedStart) throws Exception {
        return runHttp(operation, credentials, endpoint, threads, atTimedStart, options.duration());
    }

    private Result runHttp(Operation operation, Credentials credentials, URI endpoint, int threads,
                           Runnable atTimedStart, Duration duration) throws Exception {
        byte[] request = signed(operation, credentials, endpoint);
        Connection[] connections = new Connection[threads];
        try {
            return Measurement.run(t -> {
                if (connections[t] == null) {
                    connections[t] = new Connection(endpoint); // opened in the warm-up
                }
                connections[t].exchange(request);
            }, threads, options.warmup(), duration, atTimedStart);
        } finally {
            for (Connection connection : connections) {
                if (connection != null) {
                    connection.close();
                }
            }
        }
    }

    /**
     * One keep-alive HTTP/1.1 connection over a plain blocking socket: write the pre-built request, read the status
     * line, the headers up to the blank line and Content-Length bytes of body. Nothing else runs on the client
     * side, so its cost per request is two system calls and a header scan; the JDK HttpClient would add its
     * selector thread, futures and header maps to every request on cores the server needs.
     */
    private static final class Connection implements Closeable {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream(128);

        Connection(URI endpoint) throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(endpoint.getHost(), endpoint.getPort()), 5000);
            socket.setSoTimeout(30_000);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 8192);
        }

        /** Sends one request and returns the body of a 200 answer; anything else fails the phase. */
        byte[] exchange(byte[] request) throws IOException {
            out.write(request);
            out.flush();
            String status = readLine();
            int length = -1;
            boolean close = false;
            for (String header = readLine(); !header.isEmpty(); header = readLine()) {
                int colon = header.indexOf(':');
                String name = header.substring(0, colon).trim();
                if (name.equalsIgnoreCase("Content-Length")) {
                    length = Integer.parseInt(header.substring(colon + 1).trim());
                } else if (name.equalsIgnoreCase("Connection")) {
                    close = header.substring(colon + 1).trim().equalsIgnoreCase("close");
                }
            }
            if (length < 0) {
                throw new IOException("no Content-Length in the answer: " + status);
            }
            byte[] body = in.readNBytes(length);
            if (!status.startsWith("HTTP/1.1 200 ") || close) {
                throw new IOException(status + (close ? " (connection closed)" : "") + ": "
                        + new String(body, StandardCharsets.UTF_8));
            }
            return body;
        }

        private String readLine() throws IOException {
            line.reset();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new EOFException("the server closed the connection");
                }
                if (b != '\r') {
                    line.write(b);
                }
            }
            return line.toString(StandardCharsets.US_ASCII);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
