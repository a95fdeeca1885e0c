package dev.kms.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RotationCommandsTest extends CliTestBase {

    @Test
    void enableGetDisableRotation() {
        String keyId = kms.createKey();
        assertEquals("", kms.run("enable-key-rotation", "--key-id", keyId, "--rotation-period-in-days", "90").out());
        JsonNode status = kms.ok("get-key-rotation-status", "--key-id", keyId);
        assertTrue(status.get("KeyRotationEnabled").asBoolean());
        assertEquals(90, status.get("RotationPeriodInDays").asInt());
        assertTrue(status.get("NextRotationDate").asText().endsWith("+00:00"), status.toString());
        assertEquals("", kms.run("disable-key-rotation", "--key-id", keyId).out());
        assertFalse(kms.ok("get-key-rotation-status", "--key-id", keyId).get("KeyRotationEnabled").asBoolean());
        kms.run("enable-key-rotation", "--key-id", keyId, "--rotation-period-in-days", "30")
                .assertServiceError("ValidationException");
    }

    @Test
    void rotateOnDemand_oldAndNewCiphertextsDecrypt_andRotationsAreListed() {
        String keyId = kms.createKey();
        String before = kms.ok("encrypt", "--key-id", keyId, "--plaintext", "b2xk").get("CiphertextBlob").asText();
        assertTrue(kms.ok("rotate-key-on-demand", "--key-id", keyId).get("KeyId").asText().endsWith(keyId));
        String after = kms.ok("encrypt", "--key-id", keyId, "--plaintext", "bmV3").get("CiphertextBlob").asText();
        assertEquals("b2xk", kms.ok("decrypt", "--ciphertext-blob", before).get("Plaintext").asText());
        assertEquals("bmV3", kms.ok("decrypt", "--ciphertext-blob", after).get("Plaintext").asText());

        JsonNode rotations = kms.ok("list-key-rotations", "--key-id", keyId).get("Rotations");
        assertEquals(1, rotations.size());
        assertEquals("ON_DEMAND", rotations.get(0).get("RotationType").asText());
        assertTrue(rotations.get(0).get("RotationDate").asText().endsWith("+00:00"));
    }

    @Test
    void rotateOnDemand_the26thTime_isLimitExceeded() {
        String keyId = kms.createKey();
        for (int i = 0; i < 25; i++) {
            kms.ok("rotate-key-on-demand", "--key-id", keyId);
        }
        kms.run("rotate-key-on-demand", "--key-id", keyId).assertServiceError("LimitExceededException");
    }

    @Test
    void dueAutomaticRotation_happensAtTheStartOfTheNextCommand() throws Exception {
        String keyId = kms.createKey();
        kms.ok("enable-key-rotation", "--key-id", keyId);
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("metadata.db"));
             PreparedStatement due = db.prepareStatement("UPDATE keys SET next_rotation = 0 WHERE key_id = ?")) {
            due.setString(1, keyId);
            assertEquals(1, due.executeUpdate());
        }
        JsonNode rotations = kms.ok("list-key-rotations", "--key-id", keyId).get("Rotations");
        assertEquals(1, rotations.size(), rotations.toString());
        assertEquals("AUTOMATIC", rotations.get(0).get("RotationType").asText());
    }
}
