package dev.kms.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kms.core.audit.AuditEvent;
import dev.kms.core.audit.SampleEvents;
import dev.kms.core.fake.InMemoryTrailSealer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Writing, reading and tampering with trails in tests. */
final class Trails {
    /** The seal key of every test trail, so that verifiers and subprocesses agree. */
    static final byte[] SEAL_KEY = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    static final String SEAL_KEY_ID = "alias/aws-kms-internal/audit-seal";

    private Trails() {
    }

    static InMemoryTrailSealer sealer() {
        return InMemoryTrailSealer.withKey(SEAL_KEY, SEAL_KEY_ID);
    }

    /** Seals only when told to (close, rotation, every {@code sealEvery} events); no timer seals during a test. */
    static FileAuditTrail.Options options(int sealEvery, long maxFileBytes) {
        return FileAuditTrail.Options.defaults().withSealEvery(sealEvery).withMaxFileBytes(maxFileBytes)
                .withSealInterval(Duration.ofHours(1));
    }

    /** {@code count} Encrypt events, a second apart, by alice on key k{i % 3}. */
    static List<AuditEvent> events(int count) {
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(SampleEvents.encrypt("alice", "k" + (i % 3), SampleEvents.T0.plusSeconds(i)));
        }
        return events;
    }

    /** Writes {@code events} to a new trail in {@code dir} and closes it; returns its final head. */
    static FileAuditTrail.Head write(Path dir, List<AuditEvent> events, FileAuditTrail.Options options) {
        try (FileAuditTrail trail = FileAuditTrail.open(dir, sealer(), options)) {
            events.forEach(trail::record);
            trail.close();
            return trail.head();
        }
    }

    static AuditVerifier.Report verify(Path dir) {
        return AuditVerifier.with(sealer()).verify(dir);
    }

    static List<Path> files(Path dir) {
        try {
            return TrailFormat.trailFiles(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> lines(Path file) {
        try {
            return new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void writeLines(Path file, List<String> lines) {
        try {
            Files.writeString(file, lines.isEmpty() ? "" : String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where the record with {@code seq} is: its file and 0-based line index. */
    record Location(Path file, int index) {
        int lineNumber() {
            return index + 1;
        }

        String fileName() {
            return file.getFileName().toString();
        }
    }

    static Location find(Path dir, long seq) {
        for (Path file : files(dir)) {
            List<String> lines = lines(file);
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).startsWith("{\"seq\":" + seq + ",")) {
                    return new Location(file, i);
                }
            }
        }
        throw new AssertionError("no record with seq " + seq + " in " + dir);
    }

    /** Seqs of records of one kind ("event", "digest", "header") in trail order. */
    static List<Long> seqsOf(Path dir, String kind) {
        List<Long> seqs = new ArrayList<>();
        for (Path file : files(dir)) {
            for (String line : lines(file)) {
                JsonNode node = read(line);
                if (node.has(kind)) {
                    seqs.add(node.get("seq").asLong());
                }
            }
        }
        return seqs;
    }

    /** The events of the trail, oldest first, as a reader of the files sees them. */
    static List<AuditEvent> readEvents(Path dir) {
        List<AuditEvent> events = new ArrayList<>();
        for (Path file : files(dir)) {
            for (String line : lines(file)) {
                JsonNode node = read(line);
                if (node.has("event")) {
                    events.add(AuditEventJson.fromJson(node.get("event")));
                }
            }
        }
        return events;
    }

    /**
     * What an attacker who can write the files but not use the HSM can do after editing: renumber every record,
     * recompute every prev and every digest's upToSeq and chainHash, keeping the old seals.
     */
    static void rechain(Path dir) {
        long seq = 1;
        String prev = TrailFormat.GENESIS;
        for (Path file : files(dir)) {
            List<String> rewritten = new ArrayList<>();
            for (String line : lines(file)) {
                ObjectNode node = (ObjectNode) read(line);
                node.put("seq", seq);
                node.put("prev", prev);
                if (node.has("digest")) {
                    ((ObjectNode) node.get("digest")).put("upToSeq", seq - 1).put("chainHash", prev);
                }
                String text = node.toString();
                rewritten.add(text);
                prev = TrailFormat.hashHex(text.getBytes(StandardCharsets.UTF_8));
                seq++;
            }
            writeLines(file, rewritten);
        }
    }

    static JsonNode read(String line) {
        try {
            return AuditEventJson.MAPPER.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An event line as the trail would write it after {@code previousLine}, with seq {@code seq}. */
    static String forgedEventLine(long seq, String previousLine, AuditEvent event) {
        return new String(TrailFormat.eventLine(seq, TrailFormat.hashHex(previousLine.getBytes(StandardCharsets.UTF_8)),
                AuditEventJson.toBytes(event)), StandardCharsets.UTF_8);
    }
}
