package dev.kms.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HsmCommandsTest extends CliTestBase {
    /** Token objects of the service's own keys (ServiceKeys.SECRETS, ServiceKeys.AUDIT_SEAL). */
    static final int SERVICE_KEYS = 2;

    @Test
    void status_describesLibraryTokenAndObjects() {
        kms.createKey();
        JsonNode status = kms.ok("hsm", "status");
        assertEquals(kms.token.libraryPath(), status.get("Library").asText());
        assertEquals(kms.token.label(), status.get("TokenLabel").asText());
        assertFalse(status.get("TokenSerial").asText().isEmpty());
        assertFalse(status.get("TokenModel").asText().isEmpty());
        assertTrue(status.get("Mechanisms").toString().contains("CKM_AES_GCM"), status.toString());
        // The key, and the service keys every session ensures: "secrets" and "audit-seal".
        assertEquals(1 + SERVICE_KEYS, status.get("ObjectCount").asInt());
    }

    @Test
    void reconcile_reportsAndDestroysOrphans() throws Exception {
        String keyId = kms.createKey();
        JsonNode clean = kms.ok("hsm", "reconcile");
        assertEquals(0, clean.get("Orphans").size());
        assertEquals(0, clean.get("MissingMaterials").size());
        assertFalse(clean.get("OrphansDestroyed").asBoolean());
        assertEquals(SERVICE_KEYS, clean.get("ServiceObjectCount").asInt());
        assertEquals(0, clean.get("ForeignObjectCount").asInt(), "the service's own keys are not foreign");

        // Metadata lost, token object left behind: the object becomes an orphan.
        try (var db = java.sql.DriverManager.getConnection("jdbc:sqlite:" + home.resolve("metadata.db"));
             var delete = db.prepareStatement("DELETE FROM keys WHERE key_id = ?")) {
            db.createStatement().execute("PRAGMA foreign_keys = ON");
            delete.setString(1, keyId);
            assertEquals(1, delete.executeUpdate());
        }
        JsonNode orphaned = kms.ok("hsm", "reconcile");
        assertEquals(1, orphaned.get("Orphans").size());
        assertEquals(32, orphaned.get("Orphans").get(0).get("MaterialId").asText().length());
        assertTrue(orphaned.get("Orphans").get(0).has("Label"));

        assertTrue(kms.ok("hsm", "reconcile", "--destroy-orphans").get("OrphansDestroyed").asBoolean());
        assertEquals(0, kms.ok("hsm", "reconcile").get("Orphans").size());
        assertEquals(SERVICE_KEYS, kms.ok("hsm", "status").get("ObjectCount").asInt(), "service keys are no orphans");
    }

    /** The SoftHSM2 object files of the test tokens. */
    Set<Path> objectFiles() throws IOException {
        String tokenDir = Files.readAllLines(kms.token.configFile()).stream()
                .filter(l -> l.startsWith("directories.tokendir")).findFirst().orElseThrow().split("=", 2)[1].strip();
        try (Stream<Path> files = Files.walk(Path.of(tokenDir))) {
            return files.filter(f -> f.toString().endsWith(".object")).collect(Collectors.toSet());
        }
    }

    @Test
    void reconcile_reportsObjectsAKillLeftHalfWritten_apart_andDestroysThemOnlyWhenAsked() throws Exception {
        String kept = kms.createKey();
        Set<Path> before = objectFiles();
        String interrupted = kms.createKey();
        Set<Path> created = objectFiles();
        created.removeAll(before);
        assertEquals(1, created.size(), created::toString);
        // A creation killed before its metadata was committed, while SoftHSM2 was rewriting the object's file:
        // its key never existed for the service, and prefixes of the file are what the kill can leave.
        try (var db = java.sql.DriverManager.getConnection("jdbc:sqlite:" + home.resolve("metadata.db"))) {
            db.createStatement().execute("PRAGMA foreign_keys = ON");
            db.createStatement().execute("DELETE FROM keys WHERE key_id = '" + interrupted + "'");
        }
        Path source = created.iterator().next();
        byte[] whole = Files.readAllBytes(source);
        for (int length = 8; length < whole.length; length += 8) {
            String name = UUID.randomUUID().toString();
            Files.write(source.resolveSibling(name + ".object"), Arrays.copyOf(whole, length));
            Files.createFile(source.resolveSibling(name + ".lock"));
        }

        JsonNode report = kms.ok("hsm", "reconcile");
        int incomplete = report.get("IncompleteObjects").size();
        assertTrue(incomplete > 0, report.toString());
        assertEquals(0, report.get("ForeignObjectCount").asInt(), "half-written objects are not foreign");
        assertEquals(0, report.get("MissingMaterials").size());
        assertEquals(0, report.get("IncompleteObjectsDestroyed").asInt());
        assertEquals(incomplete, kms.ok("hsm", "reconcile").get("IncompleteObjects").size(), "kept unless asked");

        JsonNode cleaned = kms.ok("hsm", "reconcile", "--destroy-incomplete", "--destroy-orphans");
        assertEquals(incomplete, cleaned.get("IncompleteObjectsDestroyed").asInt());
        assertTrue(cleaned.get("Orphans").size() > 0, "copies that kept enough to look whole are orphans");
        JsonNode after = kms.ok("hsm", "reconcile");
        assertEquals(0, after.get("IncompleteObjects").size(), after.toString());
        assertEquals(0, after.get("Orphans").size());
        assertEquals(kept, kms.ok("encrypt", "--key-id", kept, "--plaintext", "aGk=").get("KeyId").asText()
                .replaceAll(".*/", ""));
    }
}
