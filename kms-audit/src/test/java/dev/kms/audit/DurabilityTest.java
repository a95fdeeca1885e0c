package dev.kms.audit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DurabilityTest {
    @TempDir
    Path dir;

    @Test
    void processKilledRightAfterRecordReturned_leavesTheEventOnDisk() throws Exception {
        UUID eventId = UUID.randomUUID();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                RecordAndWait.class.getName(), dir.toString(), eventId.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("recorded", out.readLine());
        } finally {
            process.destroyForcibly();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the recorder did not die");
        }
        assertTrue(process.exitValue() != 0, "killed, not exited");

        String trail = Files.readString(Trails.files(dir).get(0), StandardCharsets.UTF_8);
        assertTrue(trail.contains("\"eventID\":\"" + eventId + "\""), trail);
        // The killed process could not seal its last event: the verifier says so, and finds nothing wrong.
        AuditVerifier.Report report = Trails.verify(dir);
        assertTrue(report.intact(), report.problems()::toString);
        assertEquals(1, report.problems(AuditVerifier.Kind.UNSEALED_TAIL).size());
    }
}
