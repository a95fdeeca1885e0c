package dev.kms.bench;

import dev.kms.bench.Measurement.Op;
import dev.kms.bench.Measurement.Result;
import dev.kms.core.ciphertext.EncryptionContext;
import dev.kms.core.identity.Principal;
import dev.kms.core.identity.RequestContext;
import dev.kms.core.model.Deployment;
import dev.kms.core.model.KeyRef;
import dev.kms.core.model.KmsKey;
import dev.kms.core.model.MaterialId;
import dev.kms.core.port.Hsm;
import dev.kms.core.secret.Plaintext;
import dev.kms.core.service.CachingMetadataStore;
import dev.kms.core.service.CreateKeyRequest;
import dev.kms.core.service.DataKeySpec;
import dev.kms.core.service.Kms;
import dev.kms.node.KmsNode;
import dev.kms.pkcs11.Pkcs11Config;
import dev.kms.pkcs11.SoftHsmToken;
import org.xipki.pkcs11.wrapper.Mechanism;
import org.xipki.pkcs11.wrapper.Session;
import org.xipki.pkcs11.wrapper.TokenException;
import org.xipki.pkcs11.wrapper.params.GCM_PARAMS;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_AES_GCM;

/**
 * Encrypt, Decrypt and GenerateDataKey per second through the key service of the product's assembly ({@link KmsNode}:
 * Pkcs11Hsm on a fresh SoftHSM2 token, SqliteMetadataStore behind CachingMetadataStore), each next to raw
 * C_Encrypt/C_Decrypt with the same token key on the bench's own session; then what authorization of an IAM
 * user and the audit trail add to Encrypt ({@link AuthzBench}); the same operations over HTTP with SigV4
 * ({@link HttpLoadBench}, phase {@code http}); then Encrypt latency with 10 keys in the token
 * against many more. Tables go to stdout, progress to stderr. Start it with scripts/bench.
 */
public final class KmsBench {
    static final Deployment DEPLOYMENT = new Deployment("aws", "us-east-1", "111122223333");
    /** The benchmark calls as the account root, as the local operator does. */
    static final RequestContext OPERATOR = RequestContext.direct(Principal.root("aws", "111122223333"), null, "kms-bench");
    /** How long the hot path trusts cached key metadata; the benchmark never changes a key, so any TTL fits. */
    static final Duration METADATA_TTL = Duration.ofMinutes(5);
    private static final int TAG_BITS = 128;
    private static final int IV_BYTES = 12;
    private static final String LIBRARY = System.getProperty("bench.library", SoftHsmToken.DEFAULT_LIBRARY);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final BenchOptions options;
    private final PrintStream out;
    private final PrintStream progress;
    private final Kms kms;
    private final Hsm hsm;
    private final RawToken raw;
    private final BenchNodes nodes;
    private final String tokenLabel;

    private KmsBench(BenchOptions options, PrintStream out, PrintStream progress, KmsNode node, RawToken raw,
                     BenchNodes nodes, String tokenLabel) {
        this.options = options;
        this.out = out;
        this.progress = progress;
        this.kms = node.kms();
        this.hsm = node.hsm();
        this.raw = raw;
        this.nodes = nodes;
        this.tokenLabel = tokenLabel;
    }

    public static void main(String[] args) throws Exception {
        BenchOptions options = BenchOptions.fromSystemProperties();
        String conf = System.getenv(SoftHsmToken.CONF_ENV);
        if (conf == null || !Files.isRegularFile(Path.of(conf))) {
            throw new IllegalStateException(SoftHsmToken.CONF_ENV + " must name an existing softhsm2.conf before the"
                    + " JVM starts (scripts/bench writes one)");
        }
        String label = "bench-" + HexFormat.of().formatHex(randomBytes(4));
        char[] soPin = HexFormat.of().formatHex(randomBytes(8)).toCharArray();
        char[] userPin = HexFormat.of().formatHex(randomBytes(8)).toCharArray();
        SoftHsmToken.initToken(LIBRARY, label, soPin, userPin);
        Arrays.fill(soPin, '\0');
        BenchNodes nodes = new BenchNodes(Pkcs11Config.byLabel(LIBRARY, label), userPin, options.dir());
        try (KmsNode node = nodes.direct(METADATA_TTL);
             RawToken raw = RawToken.open(LIBRARY, label, userPin.clone(), options.maxThreads())) {
            KmsBench bench = new KmsBench(options, System.out, System.err, node, raw, nodes, label);
            bench.describeRun();
            List<KmsKey> keys = bench.createKeys(BenchOptions.BASELINE_KEYS);
            if (options.phases().contains("throughput")) {
                bench.throughput(keys.get(0));
            }
            if (options.phases().contains("authz")) {
                new AuthzBench(options, System.out, System.err, nodes, raw).run(keys.get(0));
            }
            if (options.phases().contains("http")) {
                new HttpLoadBench(options, System.out, System.err, nodes, raw).run(keys.get(0));
            }
            if (options.phases().contains("files")) {
                new FilesBench(options, System.out, System.err, bench.kms).run(keys.get(0));
            }
            if (options.phases().contains("keys")) {
                bench.keyCount(keys.get(0), keys.get(keys.size() - 1));
            }
        } finally {
            Arrays.fill(userPin, '\0');
        }
    }

    private void describeRun() {
        out.printf(Locale.ROOT, "kms-bench: token %s (%s), %d-session pool, metadata TTL %s; warm-up %s, %d x %s"
                        + " per figure (raw and service alternate), Java %s%n",
                tokenLabel, hsm.status().libraryDescription(), nodes.token().sessionPoolSize(), METADATA_TTL,
                options.warmup(), options.rounds(), options.duration(), System.getProperty("java.version"));
    }

    // ---------------------------------------------------------------- throughput

    /** A service operation and its raw counterpart, on one key, for one plaintext size. */
    private record Pair(String operation, int size, String rawName, Op raw, Op service) {
    }

    private void throughput(KmsKey key) throws Exception {
        out.println();
        out.println("Throughput: service vs raw CKM_AES_GCM on the same token key (ratio = service / raw ops/s)");
        String header = String.format(Locale.ROOT, "%-28s %6s %7s %10s %8s %9s %9s", "operation", "bytes", "threads",
                "ops/s", "vs raw", "p50 us", "p99 us");
        out.println(header);
        out.println("-".repeat(header.length()));
        for (int threads : options.threads()) {
            for (Pair pair : pairs(key, threads)) {
                Result[] measured = alternate(pair.raw(), pair.service(), threads);
                printRow(pair.rawName(), pair.size(), threads, measured[0], null);
                printRow(pair.operation(), pair.size(), threads, measured[1], measured[0]);
            }
        }
    }

    private List<Pair> pairs(KmsKey key, int threads) throws Exception {
        String keyId = key.keyId();
        KeyRef ref = KeyRef.parse(keyId, "keyId");
        MaterialId material = key.currentMaterial().id();
        long handle = raw.handle(material);
        byte[] aad = BenchPhase.associatedData(key, EncryptionContext.empty());
        SecureRandom[] ivs = new SecureRandom[threads];
        for (int t = 0; t < threads; t++) {
            ivs[t] = new SecureRandom();
        }
        List<Pair> pairs = new ArrayList<>();
        for (int size : new int[] {64, 4096}) {
            byte[] data = randomBytes(size);
            pairs.add(new Pair("Encrypt", size, "raw C_Encrypt (GCM)",
                    t -> raw.session(t).encryptSingle(gcm(freshIv(ivs[t]), aad), handle, data),
                    t -> kms.crypto().encrypt(OPERATOR, ref, data, Map.of(), null)));
        }
        for (int size : new int[] {64, 4096}) {
            byte[] data = randomBytes(size);
            byte[] iv = freshIv(ivs[0]);
            byte[] rawCiphertext = raw.session(0).encryptSingle(gcm(iv, aad), handle, data);
            byte[] blob = kms.crypto().encrypt(OPERATOR, ref, data, Map.of(), null).ciphertextBlob();
            requireEqual(data, raw.session(0).decryptSingle(gcm(iv, aad), handle, rawCiphertext), "raw round trip");
            try (Plaintext opened = kms.crypto().decrypt(OPERATOR, blob, Map.of(), null, null).plaintext()) {
                requireEqual(data, opened.bytes(), "service round trip");
            }
            pairs.add(new Pair("Decrypt", size, "raw C_Decrypt (GCM)",
                    t -> raw.session(t).decryptSingle(gcm(iv, aad), handle, rawCiphertext),
                    t -> kms.crypto().decrypt(OPERATOR, blob, Map.of(), null, null).plaintext().destroy()));
        }
        int dataKeyBytes = DataKeySpec.AES_256.bytes();
        pairs.add(new Pair("GenerateDataKey AES_256", dataKeyBytes, "raw C_GenerateRandom+C_Encrypt",
                t -> {
                    Session session = raw.session(t);
                    byte[] dataKey = session.generateRandom(dataKeyBytes);
                    session.encryptSingle(gcm(freshIv(ivs[t]), aad), handle, dataKey);
                    Arrays.fill(dataKey, (byte) 0);
                },
                t -> kms.crypto().generateDataKey(OPERATOR, ref, Map.of(), DataKeySpec.AES_256, null, true).plaintext().destroy()));
        return pairs;
    }

    /** Raw and service phases alternate (raw first in even rounds) so drift of a noisy machine hits both. */
    private Result[] alternate(Op rawOp, Op serviceOp, int threads) throws Exception {
        List<Result> rawParts = new ArrayList<>();
        List<Result> serviceParts = new ArrayList<>();
        for (int round = 0; round < options.rounds(); round++) {
            if (round % 2 == 0) {
                rawParts.add(Measurement.run(rawOp, threads, options.warmup(), options.duration()));
                serviceParts.add(Measurement.run(serviceOp, threads, options.warmup(), options.duration()));
            } else {
                serviceParts.add(Measurement.run(serviceOp, threads, options.warmup(), options.duration()));
                rawParts.add(Measurement.run(rawOp, threads, options.warmup(), options.duration()));
            }
        }
        return new Result[] {Result.merge(rawParts), Result.merge(serviceParts)};
    }

    private void printRow(String operation, int size, int threads, Result result, Result rawResult) {
        String ratio = rawResult == null ? "-"
                : String.format(Locale.ROOT, "%.1f%%", 100 * result.opsPerSecond() / rawResult.opsPerSecond());
        out.printf(Locale.ROOT, "%-28s %6d %7d %10.0f %8s %9.1f %9.1f%n", operation, size, threads,
                result.opsPerSecond(), ratio, result.percentileMicros(50), result.percentileMicros(99));
    }

    // ---------------------------------------------------------------- key count

    private void keyCount(KmsKey early, KmsKey lateOfBaseline) throws Exception {
        byte[] data = randomBytes(64);
        Result[] baselineEarly = alternate(rawEncrypt(early, data), serviceEncrypt(early, data), 1);
        Result[] baselineLate = alternate(rawEncrypt(lateOfBaseline, data), serviceEncrypt(lateOfBaseline, data), 1);
        double baselineFind = rawFindMicros(lateOfBaseline.currentMaterial().id());
        double baselineCold = coldFirstEncryptMicros(lateOfBaseline);
        int baselineObjects = hsm.status().objectCount();

        progress.printf(Locale.ROOT, "kms-bench: creating keys up to %d through kms.keys().createKey (%d threads,"
                + " budget %s)%n", options.keys(), options.createThreads(), options.createBudget());
        long started = System.nanoTime();
        List<KmsKey> created = createKeys(options.keys() - BenchOptions.BASELINE_KEYS);
        double createSeconds = (System.nanoTime() - started) / 1e9;
        KmsKey late = created.isEmpty() ? lateOfBaseline : created.get(created.size() - 1);
        int objects = hsm.status().objectCount();

        Result[] manyEarly = alternate(rawEncrypt(early, data), serviceEncrypt(early, data), 1);
        Result[] manyLate = alternate(rawEncrypt(late, data), serviceEncrypt(late, data), 1);
        double manyFind = rawFindMicros(late.currentMaterial().id());
        double manyCold = coldFirstEncryptMicros(late);

        out.println();
        out.printf(Locale.ROOT, "Key count: %d keys created through the service in %.1f s (%.1f keys/s); token holds"
                        + " %d objects (was %d)%n", created.size() + BenchOptions.BASELINE_KEYS, createSeconds,
                created.size() / createSeconds, objects, baselineObjects);
        out.println("Encrypt 64 B, 1 thread, warm handle cache; x = this / same row with " + BenchOptions.BASELINE_KEYS
                + " keys (target <= 1.20x); raw rows show what the token and machine alone did meanwhile");
        String header = String.format(Locale.ROOT, "%-8s %-16s %-8s %9s %9s %9s %9s %16s", "objects", "key", "path",
                "mean us", "p50 us", "p99 us", "ops/s", "x mean/p50/p99");
        out.println(header);
        out.println("-".repeat(header.length()));
        String lateName = "late (#" + (created.size() + BenchOptions.BASELINE_KEYS) + ")";
        printLatency(baselineObjects, "early (#1)", "service", baselineEarly[1], null);
        printLatency(baselineObjects, "early (#1)", "raw", baselineEarly[0], null);
        printLatency(baselineObjects, "late (#" + BenchOptions.BASELINE_KEYS + ")", "service", baselineLate[1], null);
        printLatency(baselineObjects, "late (#" + BenchOptions.BASELINE_KEYS + ")", "raw", baselineLate[0], null);
        printLatency(objects, "early (#1)", "service", manyEarly[1], baselineEarly[1]);
        printLatency(objects, "early (#1)", "raw", manyEarly[0], baselineEarly[0]);
        printLatency(objects, lateName, "service", manyLate[1], baselineLate[1]);
        printLatency(objects, lateName, "raw", manyLate[0], baselineLate[0]);
        out.println();
        out.println("Cold path, for reference (once per key per process, not the hot path):");
        out.printf(Locale.ROOT, "  raw C_FindObjects by CKA_ID:              %10.1f us with %d objects, %10.1f us with %d%n",
                baselineFind, baselineObjects, manyFind, objects);
        out.printf(Locale.ROOT, "  first Encrypt on a fresh adapter + cache: %10.1f us with %d objects, %10.1f us with %d%n",
                baselineCold, baselineObjects, manyCold, objects);
    }

    private Op serviceEncrypt(KmsKey key, byte[] data) {
        return t -> kms.crypto().encrypt(OPERATOR, KeyRef.parse(key.keyId(), "keyId"), data, Map.of(), null);
    }

    /** Raw C_Encrypt with the key's handle (found once, here) and the AAD the service would use. */
    private Op rawEncrypt(KmsKey key, byte[] data) throws TokenException {
        MaterialId material = key.currentMaterial().id();
        long handle = raw.handle(material);
        byte[] aad = BenchPhase.associatedData(key, EncryptionContext.empty());
        SecureRandom ivs = new SecureRandom();
        return t -> raw.session(t).encryptSingle(gcm(freshIv(ivs), aad), handle, data);
    }

    private void printLatency(int objects, String key, String path, Result result, Result baseline) {
        String ratio = baseline == null ? "-" : String.format(Locale.ROOT, "%.2f/%.2f/%.2f",
                result.meanMicros() / baseline.meanMicros(),
                result.percentileMicros(50) / baseline.percentileMicros(50),
                result.percentileMicros(99) / baseline.percentileMicros(99));
        out.printf(Locale.ROOT, "%-8d %-16s %-8s %9.1f %9.1f %9.1f %9.0f %16s%n", objects, key, path,
                result.meanMicros(), result.percentileMicros(50), result.percentileMicros(99), result.opsPerSecond(), ratio);
    }

    /** Creates {@code count} keys on the create threads, in order of completion, within the time budget. */
    private List<KmsKey> createKeys(int count) throws Exception {
        long deadline = System.nanoTime() + options.createBudget().toNanos();
        long started = System.nanoTime();
        AtomicInteger next = new AtomicInteger();
        List<KmsKey> created = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Long> lastReport = new AtomicReference<>(started);
        ExecutorService pool = Executors.newFixedThreadPool(options.createThreads());
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < options.createThreads(); w++) {
                workers.add(pool.submit(() -> {
                    while (next.getAndIncrement() < count && System.nanoTime() < deadline) {
                        created.add(kms.keys().createKey(OPERATOR, CreateKeyRequest.defaults()));
                        int done = created.size();
                        if (done % 1000 == 0) {
                            long now = System.nanoTime();
                            long previous = lastReport.getAndSet(now);
                            progress.printf(Locale.ROOT, "kms-bench:   %d keys after %.1f s (last 1000 in %.1f s)%n",
                                    done, (now - started) / 1e9, (now - previous) / 1e9);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        } finally {
            pool.shutdown();
        }
        if (created.size() < count) {
            progress.printf(Locale.ROOT, "kms-bench: creation budget %s spent after %d of %d keys%n",
                    options.createBudget(), created.size(), count);
        }
        return List.copyOf(created);
    }

    /** Mean time of a raw C_FindObjectsInit/C_FindObjects/C_FindObjectsFinal by CKA_ID, which is linear in SoftHSM2. */
    private double rawFindMicros(MaterialId id) throws TokenException {
        int n = 20;
        raw.handle(id);
        long started = System.nanoTime();
        for (int i = 0; i < n; i++) {
            raw.handle(id);
        }
        return (System.nanoTime() - started) / 1e3 / n;
    }

    /**
     * The first Encrypt of {@code key} through a second node, with its own adapter and metadata cache (as after a
     * restart): it searches the token for the handle and reads the key from SQLite once.
     */
    private double coldFirstEncryptMicros(KmsKey key) {
        try (KmsNode cold = nodes.direct(METADATA_TTL)) {
            long started = System.nanoTime();
            cold.kms().crypto().encrypt(OPERATOR, KeyRef.parse(key.keyId(), "keyId"), new byte[64], Map.of(), null);
            return (System.nanoTime() - started) / 1e3;
        }
    }

    // ---------------------------------------------------------------- helpers

    private static Mechanism gcm(byte[] iv, byte[] aad) {
        return new Mechanism(CKM_AES_GCM, new GCM_PARAMS(iv, aad, TAG_BITS));
    }

    private static byte[] freshIv(SecureRandom random) {
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        return iv;
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static void requireEqual(byte[] expected, byte[] actual, String what) {
        if (!Arrays.equals(expected, actual)) {
            throw new IllegalStateException(what + " returned different bytes");
        }
    }
}
