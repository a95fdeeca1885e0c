package dev.kms.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

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
}
