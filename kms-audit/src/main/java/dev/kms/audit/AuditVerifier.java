package dev.kms.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kms.core.port.TrailSealer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;

/**
 * Checks a trail written by {@link FileAuditTrail}: the seq numbers, the hash chain across lines and files,
 * and every digest's seal. Reports each problem with its file, line and seq rather than stopping at the
 * first. What it can and cannot detect: docs/audit-trail.md, "What verify detects".
 */
public final class AuditVerifier {
    private final TrailSealer sealer;

    private AuditVerifier(TrailSealer sealer) {
        this.sealer = sealer;
    }

    /** A verifier that checks seals with {@code sealer} (the HSM key that sealed the trail). */
    public static AuditVerifier with(TrailSealer sealer) {
        return new AuditVerifier(sealer);
    }

    /** Problems that mean tampering or damage, and findings that limit what could be checked. */
    public enum Severity { CORRUPTION, WARNING }

    /** What went wrong, for scripts; the message says it for people. */
    public enum Kind {
        /** A line that is not a trail record. */
        MALFORMED(Severity.CORRUPTION),
        /** A record whose hash does not match the next record's prev: the record was modified. */
        HASH_MISMATCH(Severity.CORRUPTION),
        /** Records missing inside a file: deleted lines. */
        SEQ_GAP(Severity.CORRUPTION),
        /** A seq lower than expected: records reordered, duplicated or inserted. */
        SEQ_ORDER(Severity.CORRUPTION),
        /** Records missing between files or before the first one: a whole file deleted. */
        FILE_GAP(Severity.CORRUPTION),
        /** A digest whose seal does not verify: forged or altered. */
        SEAL_INVALID(Severity.CORRUPTION),
        /** A validly sealed digest whose chain hash differs from the records before it: they were rewritten. */
        DIGEST_MISMATCH(Severity.CORRUPTION),
        /** Fewer records than the external anchor says were written, or a different record at its seq. */
        ANCHOR_MISMATCH(Severity.CORRUPTION),
        /** Records after the last valid seal, which can be truncated without detection. */
        UNSEALED_TAIL(Severity.WARNING),
        /** A file's last line without its newline: a write interrupted by a crash, never acknowledged. */
        TORN_LINE(Severity.WARNING),
        /** No trail files at all. */
        EMPTY(Severity.WARNING);

        private final Severity severity;

        Kind(Severity severity) {
            this.severity = severity;
        }

        public Severity severity() {
            return severity;
        }
    }

    /** One finding; {@code line} is 1-based, {@code seq} is -1 where unknown. */
    public record Problem(Kind kind, String file, int line, long seq, String message) {
        public Severity severity() {
            return kind.severity();
        }

        @Override
        public String toString() {
            return kind.severity() + " " + kind + " " + file + ":" + line + (seq >= 0 ? " seq " + seq : "")
                    + ": " + message;
        }
    }

    /** The outcome of a verification. */
    public record Report(List<Problem> problems, int files, long records, long events, long digests, long lastSeq,
                         long lastSealedSeq) {
        public Report {
            problems = List.copyOf(problems);
        }

        /** True when nothing points to tampering or damage; warnings may remain. */
        public boolean intact() {
            return problems.stream().noneMatch(p -> p.severity() == Severity.CORRUPTION);
        }

        public List<Problem> problems(Kind kind) {
            return problems.stream().filter(p -> p.kind() == kind).toList();
        }
    }

    /** Verifies the trail in {@code dir} with no external anchor. */
    public Report verify(Path dir) {
        return verify(dir, null);
    }

    /**
     * Verifies the trail in {@code dir}; with an {@code anchor} (a {@link FileAuditTrail#head()} kept
     * elsewhere) also checks that the trail still reaches it, which detects truncation and deletion.
     */
    public Report verify(Path dir, FileAuditTrail.Head anchor) {
        try {
            return new Run(anchor).verify(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read audit trail " + dir, e);
        }
    }

    /** One pass over the trail; fields are the state between lines. */
    private final class Run {
        private final FileAuditTrail.Head anchor;
        private final List<Problem> problems = new ArrayList<>();
        private Long expectedSeq;
        private String prevHash;
        private String prevFile;
        private int prevLine;
        private long prevSeq = -1;
        private boolean resync;
        private long records;
        private long events;
        private long digests;
        private long lastSealedSeq;
        private long sinceSeal;
        private String anchorHashSeen;

        Run(FileAuditTrail.Head anchor) {
            this.anchor = anchor;
        }

        Report verify(Path dir) throws IOException {
            List<TrailFile> files = new ArrayList<>();
            for (Path path : TrailFormat.trailFiles(dir)) {
                files.add(TrailFile.read(path));
            }
            // Order by content (the header's seq), not by name, which anyone could change.
            files.sort(Comparator.comparingLong(TrailFile::firstSeq).thenComparing(TrailFile::name));
            for (TrailFile file : files) {
                verifyFile(file);
            }
            if (files.isEmpty()) {
                problems.add(new Problem(Kind.EMPTY, dir.toString(), 0, -1, "no audit trail files in " + dir));
            }
            if (sinceSeal > 0) {
                problems.add(new Problem(Kind.UNSEALED_TAIL, prevFile, prevLine, prevSeq, "unsealed tail: "
                        + sinceSeal + " records after seq " + lastSealedSeq
                        + ", which an attacker able to write the files could truncate undetected"));
            }
            checkAnchor(dir);
            return new Report(problems, files.size(), records, events, digests, prevSeq, lastSealedSeq);
        }

        private void verifyFile(TrailFile file) {
            byte[] bytes = file.bytes();
            int start = 0;
            int lineNo = 0;
            while (start < bytes.length) {
                lineNo++;
                int end = indexOf(bytes, start);
                if (end < 0) {
                    problems.add(new Problem(Kind.TORN_LINE, file.name(), lineNo, -1, (bytes.length - start)
                            + " bytes without a final newline: a write interrupted before it was acknowledged"));
                    return;
                }
                verifyLine(file.name(), lineNo, Arrays.copyOfRange(bytes, start, end), lineNo == 1);
                start = end + 1;
            }
        }

        private void verifyLine(String file, int lineNo, byte[] line, boolean firstInFile) {
            records++;
            JsonNode node = parse(line);
            if (node == null || !node.path("seq").canConvertToLong() || !node.path("prev").isTextual()) {
                problems.add(new Problem(Kind.MALFORMED, file, lineNo, -1,
                        "not a trail record (modified or inserted line)"));
                // The next line can only be judged against itself; this one is already reported.
                resync = true;
                advance(file, lineNo, -1, line);
                return;
            }
            long seq = node.get("seq").asLong();
            String prev = node.get("prev").asText();
            boolean seqReported = checkSeq(file, lineNo, seq, firstInFile);
            if (!resync && !seqReported) {
                checkChain(file, lineNo, seq, prev);
            }
            if (node.has("digest")) {
                checkDigest(file, lineNo, seq, prev, node.get("digest"), !resync && !seqReported);
            } else if (node.has("event")) {
                events++;
                sinceSeal++;
            } else if (node.has("header")) {
                sinceSeal++;
            } else {
                problems.add(new Problem(Kind.MALFORMED, file, lineNo, seq, "record is neither header, event nor digest"));
                sinceSeal++;
            }
            resync = false;
            advance(file, lineNo, seq, line);
        }

        private boolean checkSeq(String file, int lineNo, long seq, boolean firstInFile) {
            if (expectedSeq == null) {
                if (!resync && seq != 1) {
                    problems.add(new Problem(Kind.FILE_GAP, file, lineNo, seq, "the trail starts at seq " + seq
                            + ": records 1.." + (seq - 1) + " are missing (first file(s) deleted)"));
                    return true;
                }
                return false;
            }
            if (resync || seq == expectedSeq) {
                return false;
            }
            if (seq > expectedSeq) {
                String missing = expectedSeq == seq - 1 ? "record " + expectedSeq : "records " + expectedSeq + ".." + (seq - 1);
                if (firstInFile) {
                    problems.add(new Problem(Kind.FILE_GAP, file, lineNo, seq, missing + " missing between "
                            + prevFile + " and " + file + " (a whole file, or the end of " + prevFile + ", deleted)"));
                } else {
                    problems.add(new Problem(Kind.SEQ_GAP, file, lineNo, seq, missing + " missing before this line (deleted or moved)"));
                }
            } else {
                problems.add(new Problem(Kind.SEQ_ORDER, file, lineNo, seq, "seq " + seq + " where " + expectedSeq
                        + " was expected: records reordered, duplicated or inserted"));
            }
            return true;
        }

        private void checkChain(String file, int lineNo, long seq, String prev) {
            if (prevHash == null) {
                if (!TrailFormat.GENESIS.equals(prev)) {
                    problems.add(new Problem(Kind.FILE_GAP, file, lineNo, seq,
                            "the first record does not start the chain: earlier records are missing"));
                }
            } else if (!prevHash.equals(prev)) {
                // The record before no longer hashes to what its successor recorded: it was modified.
                problems.add(new Problem(Kind.HASH_MISMATCH, prevFile, prevLine, prevSeq, "chain broken after this "
                        + "record: its hash does not match the prev of seq " + seq + " (" + file + ":" + lineNo
                        + "), so it was modified, or the record after it was replaced or moved"));
            }
        }

        private void checkDigest(String file, int lineNo, long seq, String prev, JsonNode digest, boolean chainOk) {
            digests++;
            long upToSeq = digest.path("upToSeq").asLong(-1);
            String chainHash = digest.path("chainHash").asText("");
            String keyId = digest.path("sealKeyId").asText("");
            byte[] seal;
            try {
                seal = Base64.getDecoder().decode(digest.path("seal").asText(""));
            } catch (IllegalArgumentException e) {
                seal = new byte[0];
            }
            if (!sealer.verify(TrailFormat.sealInput(upToSeq, chainHash), seal)) {
                String key = keyId.equals(sealer.keyId()) ? "" : " (sealed with key '" + keyId
                        + "', verified with '" + sealer.keyId() + "')";
                problems.add(new Problem(Kind.SEAL_INVALID, file, lineNo, seq,
                        "digest seal does not verify: forged or altered digest" + key));
                sinceSeal++;
                return;
            }
            if (upToSeq != seq - 1 || !chainHash.equals(prev) || !chainOk || !chainHash.equals(prevHash)) {
                problems.add(new Problem(Kind.DIGEST_MISMATCH, file, lineNo, seq, "sealed chain hash up to seq "
                        + upToSeq + " does not match the records before it: they were rewritten after sealing"));
                sinceSeal++;
                return;
            }
            lastSealedSeq = seq;
            sinceSeal = 0;
        }

        private void advance(String file, int lineNo, long seq, byte[] line) {
            prevHash = TrailFormat.hashHex(line);
            prevFile = file;
            prevLine = lineNo;
            prevSeq = seq;
            expectedSeq = seq < 0 ? null : seq + 1;
            if (anchor != null && seq == anchor.seq()) {
                anchorHashSeen = prevHash;
            }
        }

        private void checkAnchor(Path dir) {
            if (anchor == null) {
                return;
            }
            String where = prevFile == null ? dir.toString() : prevFile;
            if (prevSeq < anchor.seq()) {
                problems.add(new Problem(Kind.ANCHOR_MISMATCH, where, prevLine, prevSeq, "the trail ends at seq "
                        + prevSeq + " but seq " + anchor.seq() + " was written: the tail was truncated or files deleted"));
            } else if (!anchor.hash().equals(anchorHashSeen)) {
                problems.add(new Problem(Kind.ANCHOR_MISMATCH, where, prevLine, anchor.seq(), "the record at seq "
                        + anchor.seq() + " differs from the one anchored"));
            }
        }

        private JsonNode parse(byte[] line) {
            try {
                JsonNode node = AuditEventJson.MAPPER.readTree(line);
                return node != null && node.isObject() ? node : null;
            } catch (IOException e) {
                return null;
            }
        }
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** A trail file read whole, with the seq of its first line (last in order when that is unreadable). */
    private record TrailFile(String name, byte[] bytes, long firstSeq) {
        static TrailFile read(Path path) throws IOException {
            byte[] bytes = Files.readAllBytes(path);
            int end = indexOf(bytes, 0);
            long firstSeq = Long.MAX_VALUE;
            try {
                JsonNode node = AuditEventJson.MAPPER.readTree(end < 0 ? bytes : Arrays.copyOf(bytes, end));
                if (node != null && node.path("seq").canConvertToLong()) {
                    firstSeq = node.get("seq").asLong();
                }
            } catch (IOException e) {
                // unreadable first line: reported when the file is verified
            }
            return new TrailFile(path.getFileName().toString(), bytes, firstSeq);
        }
    }
}
