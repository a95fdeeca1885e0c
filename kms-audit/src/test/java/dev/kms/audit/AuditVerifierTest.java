package dev.kms.audit;

import dev.kms.audit.AuditVerifier.Kind;
import dev.kms.audit.AuditVerifier.Problem;
import dev.kms.audit.AuditVerifier.Report;
import dev.kms.audit.Trails.Location;
import dev.kms.core.audit.SampleEvents;
import dev.kms.core.fake.InMemoryTrailSealer;
import dev.kms.core.fake.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuditVerifierTest {
    @TempDir
    Path dir;

    /** 30 events in files of about 4 events each, a seal every 5 events: several files, several seals. */
    private FileAuditTrail.Head writeTrail() {
        return Trails.write(dir, Trails.events(30), Trails.options(5, 3000));
    }

    private static Problem only(Report report, Kind kind) {
        List<Problem> problems = report.problems(kind);
        assertEquals(1, problems.size(), () -> kind + " expected once in " + report.problems());
        return problems.get(0);
    }

    private static void assertAt(Problem problem, Location location, long seq) {
        assertEquals(location.fileName(), problem.file(), problem::toString);
        assertEquals(location.lineNumber(), problem.line(), problem::toString);
        assertEquals(seq, problem.seq(), problem::toString);
    }

    @Test
    void untouchedTrail_acrossSeveralFiles_isIntact_withoutWarnings() {
        writeTrail();
        Report report = Trails.verify(dir);
        assertTrue(Trails.files(dir).size() >= 4, "files: " + Trails.files(dir));
        assertEquals(List.of(), report.problems());
        assertEquals(30, report.events());
        assertEquals(report.lastSeq(), report.lastSealedSeq(), "a closed trail ends with a seal");
        assertEquals(Trails.files(dir).size(), report.files());
    }

    @Test
    void untouchedTrail_reopenedAndRotatedByDay_isIntact() {
        MutableClock clock = new MutableClock(SampleEvents.T0);
        FileAuditTrail.Options options = Trails.options(1000, 1 << 20).withClock(clock);
        Trails.write(dir, Trails.events(3), options);
        try (FileAuditTrail trail = FileAuditTrail.open(dir, Trails.sealer(), options)) {
            trail.record(Trails.events(1).get(0));
            clock.advance(Duration.ofDays(1));
            trail.record(Trails.events(1).get(0));
        }
        assertEquals(3, Trails.files(dir).size(), "first run, second run, next day");
        assertEquals(List.of(), Trails.verify(dir).problems());
    }

    /** An event in the middle of the trail whose next record is an event too, so no digest judges it. */
    private long middleEvent() {
        List<Long> events = Trails.seqsOf(dir, "event");
        return events.stream().filter(s -> s > events.get(events.size() / 2) && events.contains(s + 1))
                .findFirst().orElseThrow();
    }

    /** Replaces the line of record {@code seq} by what {@code edit} makes of it; returns where that line is. */
    private Location rewriteRecord(long seq, UnaryOperator<String> edit) {
        Location at = Trails.find(dir, seq);
        List<String> lines = Trails.lines(at.file());
        lines.set(at.index(), edit.apply(lines.get(at.index())));
        Trails.writeLines(at.file(), lines);
        return at;
    }

    /**
     * Inserts right after record {@code seq} a forged event that chains onto it and takes the next seq, as an
     * attacker without the seal key could; returns where record {@code seq} is.
     */
    private Location insertForgedEventAfter(long seq) {
        Location at = Trails.find(dir, seq);
        List<String> lines = Trails.lines(at.file());
        lines.add(at.index() + 1, Trails.forgedEventLine(seq + 1, lines.get(at.index()),
                SampleEvents.encrypt("mallory", "k1", SampleEvents.T0)));
        Trails.writeLines(at.file(), lines);
        return at;
    }

    @Test
    void flippedByteInARecord_isReportedAtThatRecord() {
        writeTrail();
        long seq = middleEvent();
        Location at = rewriteRecord(seq, line -> line.replace("\"eventName\":\"Encrypt\"", "\"eventName\":\"Encrypu\""));

        Report report = Trails.verify(dir);
        assertFalse(report.intact());
        assertAt(only(report, Kind.HASH_MISMATCH), at, seq);
        assertEquals(1, report.problems().size(), report.problems()::toString);
    }

    @Test
    void flippedByteBreakingTheJson_isReportedAsMalformedAtThatLine() {
        writeTrail();
        Location at = rewriteRecord(middleEvent(), line -> line.replaceFirst("\\{", "["));

        Problem problem = only(Trails.verify(dir), Kind.MALFORMED);
        assertEquals(at.fileName(), problem.file());
        assertEquals(at.lineNumber(), problem.line());
    }

    @Test
    void deletedLine_isReportedAsAGap_whereItWas() {
        writeTrail();
        long seq = Trails.seqsOf(dir, "event").get(10);
        Location at = Trails.find(dir, seq);
        List<String> lines = Trails.lines(at.file());
        lines.remove(at.index());
        Trails.writeLines(at.file(), lines);

        Report report = Trails.verify(dir);
        Problem gap = only(report, Kind.SEQ_GAP);
        assertAt(gap, at, seq + 1);
        assertTrue(gap.message().startsWith("record " + seq + " missing"), gap.message());
    }

    @Test
    void swappedLines_areReportedAsOutOfOrder() {
        writeTrail();
        long seq = Trails.seqsOf(dir, "event").get(10);
        Location at = Trails.find(dir, seq);
        Location next = Trails.find(dir, seq + 1);
        assertEquals(at.file(), next.file(), "the test swaps two lines of one file");
        List<String> lines = Trails.lines(at.file());
        lines.set(at.index(), lines.get(next.index()));
        lines.set(next.index(), Trails.lines(at.file()).get(at.index()));
        Trails.writeLines(at.file(), lines);

        Report report = Trails.verify(dir);
        assertFalse(report.intact());
        assertAt(only(report, Kind.SEQ_GAP), at, seq + 1);
        assertAt(only(report, Kind.SEQ_ORDER), next, seq);
    }

    @Test
    void insertedLine_withoutRechaining_isReportedAtTheInsertion() {
        writeTrail();
        Location at = insertForgedEventAfter(Trails.seqsOf(dir, "event").get(10));

        Report report = Trails.verify(dir);
        assertFalse(report.intact());
        // The forged line fits; the genuine record after it repeats its seq.
        Problem order = only(report, Kind.SEQ_ORDER);
        assertEquals(at.fileName(), order.file());
        assertEquals(at.lineNumber() + 2, order.line());
    }

    @Test
    void insertedLine_withTheWholeChainRecomputed_failsTheNextSeal() {
        writeTrail();
        long seq = Trails.seqsOf(dir, "event").get(10);
        insertForgedEventAfter(seq);
        Trails.rechain(dir);

        Report report = Trails.verify(dir);
        assertFalse(report.intact());
        long firstDigestAfter = Trails.seqsOf(dir, "digest").stream().filter(s -> s > seq + 1).findFirst().orElseThrow();
        Problem first = report.problems(Kind.SEAL_INVALID).get(0);
        assertAt(first, Trails.find(dir, firstDigestAfter), firstDigestAfter);
        // Only the seals after the forgery fail; the ones before still hold.
        assertTrue(report.problems().stream().allMatch(p -> p.kind() == Kind.SEAL_INVALID && p.seq() > seq
                || p.kind() == Kind.UNSEALED_TAIL), report.problems()::toString);
        assertTrue(report.lastSealedSeq() < seq + 1);
    }

    @Test
    void forgeryInTheUnsealedTail_isCaughtWhenTheTrailSealsNext() {
        FileAuditTrail trail = FileAuditTrail.open(dir, Trails.sealer(), Trails.options(1000, 1 << 20));
        Trails.events(3).forEach(trail::record);
        insertForgedEventAfter(trail.head().seq());

        // Before the next seal the forgery is indistinguishable from a genuine tail: only the warning.
        Report beforeSeal = Trails.verify(dir);
        assertTrue(beforeSeal.intact(), beforeSeal.problems()::toString);
        assertTrue(only(beforeSeal, Kind.UNSEALED_TAIL).message().startsWith("unsealed tail: 4 records"));

        trail.record(Trails.events(1).get(0));
        trail.close();
        // The trail kept writing its own chain: the forged line now collides with a genuine one.
        Report afterSeal = Trails.verify(dir);
        assertFalse(afterSeal.intact());
        assertEquals(1, afterSeal.problems(Kind.SEQ_ORDER).size(), afterSeal.problems()::toString);

        // Recomputing the chain to hide the collision changes what the seal covers.
        Trails.rechain(dir);
        Report rechained = Trails.verify(dir);
        assertFalse(rechained.intact());
        assertEquals(1, rechained.problems(Kind.SEAL_INVALID).size(), rechained.problems()::toString);
    }

    @Test
    void forgedDigest_failsTheSealCheck() {
        writeTrail();
        long digestSeq = Trails.seqsOf(dir, "digest").get(3);
        // A digest made the trail's way, but with a key outside the HSM.
        InMemoryTrailSealer attacker = InMemoryTrailSealer.random(Trails.SEAL_KEY_ID);
        Location at = rewriteRecord(digestSeq, line -> {
            String prev = Trails.read(line).get("prev").asText();
            return new String(TrailFormat.digestLine(digestSeq, prev,
                    attacker.seal(TrailFormat.sealInput(digestSeq - 1, prev)), attacker.keyId(), SampleEvents.T0),
                    StandardCharsets.UTF_8);
        });
        Trails.rechain(dir);

        Report report = Trails.verify(dir);
        assertFalse(report.intact());
        // The forged digest is the first failure; every later seal covers it, so they fail too.
        assertAt(report.problems().get(0), at, digestSeq);
        assertEquals(Kind.SEAL_INVALID, report.problems().get(0).kind());
        assertTrue(report.lastSealedSeq() < digestSeq);
    }

    @Test
    void deletedMiddleFile_isReportedWithTheMissingRange() {
        writeTrail();
        List<Path> files = Trails.files(dir);
        Path deleted = files.get(2);
        long firstMissing = Trails.read(Trails.lines(deleted).get(0)).get("seq").asLong();
        List<String> deletedLines = Trails.lines(deleted);
        long lastMissing = Trails.read(deletedLines.get(deletedLines.size() - 1)).get("seq").asLong();
        delete(deleted);

        Report report = Trails.verify(dir);
        Problem gap = only(report, Kind.FILE_GAP);
        assertEquals(files.get(3).getFileName().toString(), gap.file());
        assertEquals(1, gap.line());
        assertTrue(gap.message().startsWith("records " + firstMissing + ".." + lastMissing + " missing between "
                + files.get(1).getFileName() + " and " + files.get(3).getFileName()), gap.message());
    }

    @Test
    void deletedFirstFile_isReported() {
        writeTrail();
        Path first = Trails.files(dir).get(0);
        List<String> firstLines = Trails.lines(first);
        long lastMissing = Trails.read(firstLines.get(firstLines.size() - 1)).get("seq").asLong();
        delete(first);

        Problem gap = only(Trails.verify(dir), Kind.FILE_GAP);
        assertEquals(Trails.files(dir).get(0).getFileName().toString(), gap.file());
        assertTrue(gap.message().contains("records 1.." + lastMissing + " are missing"), gap.message());
    }

    @Test
    void truncatedTail_isAnUnsealedTailWarning_andAnAnchorMismatchWithAnAnchor() {
        FileAuditTrail.Head head = writeTrail();
        Path last = Trails.files(dir).get(Trails.files(dir).size() - 1);
        List<String> lines = Trails.lines(last);
        Trails.writeLines(last, lines.subList(0, lines.size() - 2)); // the final digest and one event

        Report report = Trails.verify(dir);
        assertTrue(report.intact(), report.problems()::toString);
        assertTrue(only(report, Kind.UNSEALED_TAIL).message().startsWith("unsealed tail: "));

        Report anchored = AuditVerifier.with(Trails.sealer()).verify(dir, head);
        assertFalse(anchored.intact());
        assertTrue(only(anchored, Kind.ANCHOR_MISMATCH).message().contains("seq " + head.seq() + " was written"));
    }

    @Test
    void tailTruncatedAtASeal_isUndetectable_withoutAnAnchor() {
        FileAuditTrail.Head head = writeTrail();
        // Cut everything after the second-to-last digest: what remains ends sealed.
        List<Long> digests = Trails.seqsOf(dir, "digest");
        long keep = digests.get(digests.size() - 2);
        Location at = Trails.find(dir, keep);
        Trails.writeLines(at.file(), Trails.lines(at.file()).subList(0, at.index() + 1));
        Trails.files(dir).stream().filter(f -> f.compareTo(at.file()) > 0).forEach(AuditVerifierTest::delete);

        assertEquals(List.of(), Trails.verify(dir).problems(), "documented limit: a sealed prefix looks complete");
        assertEquals(1, AuditVerifier.with(Trails.sealer()).verify(dir, head).problems(Kind.ANCHOR_MISMATCH).size());
    }

    @Test
    void deletedWholeTrail_isOnlyAWarning_withoutAnAnchor() {
        FileAuditTrail.Head head = writeTrail();
        Trails.files(dir).forEach(AuditVerifierTest::delete);
        Report report = Trails.verify(dir);
        assertTrue(report.intact());
        assertEquals(1, report.problems(Kind.EMPTY).size());
        assertFalse(AuditVerifier.with(Trails.sealer()).verify(dir, head).intact());
    }

    @Test
    void tornLastLine_fromACrash_isAWarning_andTheReopenedTrailChainsPastIt() throws IOException {
        Trails.write(dir, Trails.events(3), Trails.options(1000, 1 << 20));
        Path last = Trails.files(dir).get(0);
        Files.writeString(last, "{\"seq\":7,\"prev\":\"ab", StandardOpenOption.APPEND);
        assertTrue(Trails.verify(dir).intact());
        assertEquals(1, Trails.verify(dir).problems(Kind.TORN_LINE).size());

        Trails.write(dir, Trails.events(2), Trails.options(1000, 1 << 20));
        Report report = Trails.verify(dir);
        assertTrue(report.intact(), report.problems()::toString);
        assertEquals(5, report.events());
    }

    @Test
    void trailSealedWithAnotherKey_failsEverySeal_andNamesTheKey() {
        Trails.write(dir, Trails.events(3), Trails.options(1000, 1 << 20));
        Report report = AuditVerifier.with(InMemoryTrailSealer.random("other-key")).verify(dir);
        assertFalse(report.intact());
        assertTrue(report.problems(Kind.SEAL_INVALID).get(0).message().contains("verified with 'other-key'"));
    }

    private static void delete(Path file) {
        try {
            Files.delete(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
