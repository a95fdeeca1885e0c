package dev.kms.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kms.api.AuditedKmsApi;
import dev.kms.api.KmsJsonApi;
import dev.kms.audit.FileAuditTrail;
import dev.kms.bench.Measurement.Op;
import dev.kms.bench.Measurement.Result;
import dev.kms.core.audit.AuditEvent;
import dev.kms.core.audit.HsmTrailSealer;
import dev.kms.core.ciphertext.CiphertextBlob;
import dev.kms.core.ciphertext.EncryptionContext;
import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.identity.CreatedAccessKey;
import dev.kms.core.identity.IdentityServices;
import dev.kms.core.identity.Principal;
import dev.kms.core.identity.RequestContext;
import dev.kms.core.model.KeyRef;
import dev.kms.core.model.KmsKey;
import dev.kms.core.model.MaterialId;
import dev.kms.core.policy.PrincipalType;
import dev.kms.core.port.AuditSink;
import dev.kms.core.secret.Plaintext;
import dev.kms.core.service.Kms;
import dev.kms.node.KmsNode;
import org.xipki.pkcs11.wrapper.Mechanism;
import org.xipki.pkcs11.wrapper.params.GCM_PARAMS;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_AES_GCM;

/**
 * What authorization and the audit trail add to Encrypt of 64 bytes, in one run, on one key: (a) raw
 * C_Encrypt, (b) the core call as the account root, (b') the same as an IAM user, (c') the JSON API as an IAM user whose identity policy
 * allows kms:Encrypt under an encryption-context condition, and (c) the same through {@link AuditedKmsApi} into
 * a {@link FileAuditTrail} sealed in the HSM, on the product's assembly ({@link KmsNode}). Issue 3 asks (c) to reach
 * 80% of the figure without authorization and audit.
 */
final class AuthzBench extends BenchPhase {
    /** Every path encrypts under this context, so the condition has something to match and all AADs are equal. */
    static final Map<String, String> CONTEXT = Map.of("purpose", "bench");
    static final String USER = "bench-user";
    /** Allows Encrypt only with the bench's context: the condition is evaluated on every call. */
    static final String IDENTITY_POLICY = """
            {"Version": "2012-10-17", "Statement": [{"Sid": "EncryptWithPurpose", "Effect": "Allow",
              "Action": "kms:Encrypt", "Resource": "*",
              "Condition": {"StringEquals": {"kms:EncryptionContext:purpose": "bench"}}}]}""";
    private static final int PLAINTEXT_BYTES = 64;

    AuthzBench(BenchOptions options, PrintStream out, PrintStream progress, BenchNodes nodes, RawToken raw) {
        super(options, out, progress, nodes, raw);
    }

    /** The four paths, side by side, at each of {@code bench.authzThreads}. */
    private record Paths(Op raw, Op core, Op coreAsUser, Op json, Op audited) {
    }

    void run(KmsKey key) throws Exception {
        Clock clock = Clock.systemUTC();
        try (KmsNode node = nodes.audited(KmsBench.METADATA_TTL)) {
            Kms kms = node.kms();
            Principal user = createUser(node.identity());
            FileAuditTrail trail = node.auditTrail();
            // The node's audited API again, over a sink that times the trail's share of each call.
            TimedSink sink = new TimedSink(trail);
            KmsJsonApi json = new KmsJsonApi(kms);
            AuditedKmsApi audited = new AuditedKmsApi(json, sink, KmsBench.DEPLOYMENT, clock);
            Path auditDir = node.auditDirectory();
            Paths paths = paths(key, kms, json, audited, user);
            Result fsyncBefore = fsync(auditDir);
            measure(paths, trail, sink);
            Result fsyncAfter = fsync(auditDir);
            out.printf(Locale.ROOT, "fsync floor (write+force of one 600-byte line beside the trail, 1 thread, alone):"
                            + " before the table p50/mean/p99 %.0f/%.0f/%.0f us, after it %.0f/%.0f/%.0f us%n",
                    fsyncBefore.percentileMicros(50), fsyncBefore.meanMicros(), fsyncBefore.percentileMicros(99),
                    fsyncAfter.percentileMicros(50), fsyncAfter.meanMicros(), fsyncAfter.percentileMicros(99));
        }
    }

    /** An IAM user with the identity policy, authenticated with its access key as a caller would be. */
    private static Principal createUser(IdentityServices identity) {
        identity.iam().createUser(KmsBench.OPERATOR, USER);
        identity.iam().putUserPolicy(KmsBench.OPERATOR, USER, "bench-encrypt", IDENTITY_POLICY);
        try (CreatedAccessKey created = identity.iam().createAccessKey(KmsBench.OPERATOR, USER)) {
            Principal user = identity.authenticator().authenticate(created.accessKey().accessKeyId(),
                    created.secretAccessKey().chars(), null);
            if (user.type() != PrincipalType.USER) {
                throw new IllegalStateException("expected an IAM user, authenticated " + user.arn());
            }
            return user;
        }
    }

    private Paths paths(KmsKey key, Kms kms, KmsJsonApi json, AuditedKmsApi audited, Principal user) throws Exception {
        String keyId = key.keyId();
        KeyRef ref = KeyRef.parse(keyId, "keyId");
        MaterialId material = key.currentMaterial().id();
        long handle = raw.handle(material);
        byte[] aad = associatedData(key, EncryptionContext.of(CONTEXT, "EncryptionContext"));
        byte[] data = new byte[PLAINTEXT_BYTES];
        new SecureRandom().nextBytes(data);
        // The JSON body as the server would hand it over after parsing; KmsJsonApi decodes it on every call.
        ObjectNode request = JsonNodeFactory.instance.objectNode().put("KeyId", keyId)
                .put("Plaintext", Base64.getEncoder().encodeToString(data));
        request.putObject("EncryptionContext").put("purpose", "bench");
        ObjectNode wrongContext = request.deepCopy();
        wrongContext.putObject("EncryptionContext").put("purpose", "other");

        // Both layers must really be evaluated: the user is refused without the context, allowed with it.
        try {
            json.call(userContext(user), "Encrypt", wrongContext);
            throw new IllegalStateException("the identity policy's condition did not refuse a wrong context");
        } catch (KmsException e) {
            if (e.code() != ErrorCode.ACCESS_DENIED) {
                throw e;
            }
        }
        byte[] blob = Base64.getDecoder().decode(audited.call(userContext(user), "Encrypt", request)
                .get("CiphertextBlob").textValue());
        try (Plaintext opened = kms.crypto().decrypt(KmsBench.OPERATOR, blob, CONTEXT, null, null).plaintext()) {
            if (!java.util.Arrays.equals(data, opened.bytes())) {
                throw new IllegalStateException("audited Encrypt did not round-trip");
            }
        }

        int maxThreads = options.authzThreads().stream().max(Integer::compare).orElseThrow();
        SecureRandom[] ivs = new SecureRandom[maxThreads];
        for (int t = 0; t < maxThreads; t++) {
            ivs[t] = new SecureRandom();
        }
        return new Paths(
                t -> raw.session(t).encryptSingle(gcm(ivs[t], aad), handle, data),
                t -> kms.crypto().encrypt(KmsBench.OPERATOR, ref, data, CONTEXT, null),
                t -> kms.crypto().encrypt(userContext(user), ref, data, CONTEXT, null),
                t -> json.call(userContext(user), "Encrypt", request),
                t -> audited.call(userContext(user), "Encrypt", request));
    }

    /** A fresh request id per call, as every request to the server gets, so audit events are distinct. */
    private static RequestContext userContext(Principal user) {
        return RequestContext.direct(user, "127.0.0.1", "kms-bench");
    }

    private static Mechanism gcm(SecureRandom ivs, byte[] aad) {
        byte[] iv = new byte[12];
        ivs.nextBytes(iv);
        return new Mechanism(CKM_AES_GCM, new GCM_PARAMS(iv, aad, 128));
    }

    // ---------------------------------------------------------------- measuring

    /** What the trail did during (c)'s timed phases. */
    private static final class AuditCounters {
        long syncs;
        long events;
        long recordNanos;
        long elapsedNanos;
    }

    private void measure(Paths paths, FileAuditTrail trail, TimedSink sink) throws Exception {
        String[] names = {"(a) raw C_Encrypt (GCM)", "(b) core Encrypt, root", "(b') core Encrypt, IAM user",
                "(c') JSON API, IAM user", "(c) JSON API + audit, IAM user"};
        Op[] ops = {paths.raw(), paths.core(), paths.coreAsUser(), paths.json(), paths.audited()};
        int audited = ops.length - 1;
        List<String> auditLines = new ArrayList<>();
        List<String> rows = new ArrayList<>();
        for (int threads : options.authzThreads()) {
            progress.printf(Locale.ROOT, "kms-bench: authorization and audit, %d threads%n", threads);
            List<List<Result>> parts = new ArrayList<>();
            for (int i = 0; i < ops.length; i++) {
                parts.add(new ArrayList<>());
            }
            AuditCounters audit = new AuditCounters();
            for (int round = 0; round < options.rounds(); round++) {
                // a, b, b', c', c in even rounds and the reverse in odd ones, so drift of a noisy machine hits all.
                for (int k = 0; k < ops.length; k++) {
                    int i = round % 2 == 0 ? k : ops.length - 1 - k;
                    if (i == audited) {
                        long[] before = new long[3];
                        Result r = Measurement.run(ops[i], threads, options.warmup(), options.duration(), () -> {
                            before[0] = trail.syncCount();
                            before[1] = sink.events();
                            before[2] = sink.nanos();
                        });
                        audit.syncs += trail.syncCount() - before[0];
                        audit.events += sink.events() - before[1];
                        audit.recordNanos += sink.nanos() - before[2];
                        audit.elapsedNanos += r.elapsedNanos();
                        parts.get(i).add(r);
                    } else {
                        parts.get(i).add(Measurement.run(ops[i], threads, options.warmup(), options.duration()));
                    }
                }
            }
            Result[] merged = new Result[ops.length];
            for (int i = 0; i < ops.length; i++) {
                merged[i] = Result.merge(parts.get(i));
            }
            for (int i = 0; i < ops.length; i++) {
                rows.add(row(names[i], threads, merged[i], i == 0 ? null : merged[0], i <= 1 ? null : merged[1]));
            }
            auditLines.add(String.format(Locale.ROOT,
                    "  %2d threads: %5.0f fsync/s (one per %5.0f us), %5.2f events per fsync, AuditSink.record %7.0f us"
                            + " of a %7.0f us mean call (%4.1f%%)",
                    threads, audit.syncs * 1e9 / audit.elapsedNanos, audit.elapsedNanos / 1e3 / audit.syncs, (double) audit.events / audit.syncs,
                    audit.recordNanos / 1e3 / audit.events, merged[audited].meanMicros(),
                    100 * (audit.recordNanos / 1e3 / audit.events) / merged[audited].meanMicros()));
        }

        out.println();
        out.println("Authorization and audit: Encrypt 64 B under one key and context {purpose=bench}; (c) must reach"
                + " 80% of (b)");
        out.println("(b) kms.crypto().encrypt as the account root (default key policy, no identity policies);"
                + " (b') the same as an IAM user; (c') KmsJsonApi as that IAM user (identity policy with a kms:EncryptionContext condition + default"
                + " key policy); (c) AuditedKmsApi over (c') into FileAuditTrail + HsmTrailSealer, fsync'd before"
                + " return (group commit)");
        String header = String.format(Locale.ROOT, "%-32s %7s %9s %9s %10s %8s %8s", "path", "threads", "ops/s",
                "p50 us", "p99 us", "/ (a)", "/ (b)");
        out.println(header);
        out.println("-".repeat(header.length()));
        rows.forEach(out::println);
        out.println();
        out.println("Audit trail during (c)'s timed phases (ops/s of (c) = fsync/s x events per fsync):");
        auditLines.forEach(out::println);
    }

    private static String row(String name, int threads, Result result, Result raw, Result core) {
        return String.format(Locale.ROOT, "%-32s %7d %9.0f %9.1f %10.1f %8s %8s", name, threads, result.opsPerSecond(),
                result.percentileMicros(50), result.percentileMicros(99), ratio(result, raw), ratio(result, core));
    }

    private static String ratio(Result result, Result baseline) {
        return baseline == null ? "-"
                : String.format(Locale.ROOT, "%.1f%%", 100 * result.opsPerSecond() / baseline.opsPerSecond());
    }

    /**
     * Appending one event-sized line and forcing it, on the audit directory's file system: the least an audited
     * call can take when it is alone and waits for its own fsync.
     */
    private Result fsync(Path auditDir) throws Exception {
        // Beside the trail, not in it: the trail directory holds only trail files.
        Path file = auditDir.resolveSibling("fsync-probe.tmp");
        byte[] line = new byte[600];
        java.util.Arrays.fill(line, (byte) 'x');
        line[line.length - 1] = '\n';
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            return Measurement.run(t -> {
                ByteBuffer buffer = ByteBuffer.wrap(line);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(false);
            }, 1, options.warmup(), options.duration());
        } finally {
            deleteQuietly(file);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // A leftover probe file in the scratch directory, which scripts/bench deletes anyway.
        }
    }

    /** Counts events and the time callers spend in {@link AuditSink#record}: serializing, queueing and the fsync. */
    private static final class TimedSink implements AuditSink {
        private final AuditSink sink;
        private final LongAdder events = new LongAdder();
        private final LongAdder nanos = new LongAdder();

        TimedSink(AuditSink sink) {
            this.sink = sink;
        }

        @Override
        public void record(AuditEvent event) {
            long started = System.nanoTime();
            try {
                sink.record(event);
            } finally {
                nanos.add(System.nanoTime() - started);
                events.increment();
            }
        }

        @Override
        public boolean healthy() {
            return sink.healthy();
        }

        long events() {
            return events.sum();
        }

        long nanos() {
            return nanos.sum();
        }
    }
}
