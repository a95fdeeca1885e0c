package dev.kms.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyCommandsTest extends CliTestBase {
    private static final String ISO = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{6})?\\+00:00";

    @Test
    void createKey_printsKeyMetadataLikeAws() {
        JsonNode metadata = kms.ok("create-key", "--description", "payments",
                "--tags", "TagKey=team,TagValue=pay", "TagKey=env,TagValue=prod").get("KeyMetadata");
        String keyId = metadata.get("KeyId").asText();
        assertEquals("arn:aws:kms:us-east-1:" + CliFixture.ACCOUNT + ":key/" + keyId, metadata.get("Arn").asText());
        assertEquals(CliFixture.ACCOUNT, metadata.get("AWSAccountId").asText());
        assertEquals("payments", metadata.get("Description").asText());
        assertEquals("Enabled", metadata.get("KeyState").asText());
        assertEquals("SYMMETRIC_DEFAULT", metadata.get("KeySpec").asText());
        assertEquals("ENCRYPT_DECRYPT", metadata.get("KeyUsage").asText());
        assertTrue(metadata.get("CreationDate").asText().matches(ISO), metadata.get("CreationDate").asText());
        assertEquals(2, kms.ok("list-resource-tags", "--key-id", keyId).get("Tags").size());
    }

    @Test
    void createKey_output_isIndentedByFourSpacesLikeTheAwsCli() {
        String out = kms.run("create-key").out();
        assertTrue(out.startsWith("{\n    \"KeyMetadata\": {\n        \"AWSAccountId\": "), out);
        assertTrue(out.contains("\"EncryptionAlgorithms\": [\n            \"SYMMETRIC_DEFAULT\"\n        ]"), out);
        assertTrue(out.endsWith("}\n"), out);
    }

    @Test
    void createKey_tagsFromJsonFile() throws Exception {
        var tags = home.resolve("tags.json");
        Files.writeString(tags, "[{\"TagKey\":\"a\",\"TagValue\":\"1\"},{\"TagKey\":\"b\",\"TagValue\":\"2\"}]");
        String keyId = kms.ok("create-key", "--tags", "file://" + tags).get("KeyMetadata").get("KeyId").asText();
        JsonNode listed = kms.ok("list-resource-tags", "--key-id", keyId).get("Tags");
        assertEquals("[{\"TagKey\":\"a\",\"TagValue\":\"1\"},{\"TagKey\":\"b\",\"TagValue\":\"2\"}]", listed.toString());
    }

    @Test
    void createKey_withUnsupportedKeyUsage_isAServiceError() {
        kms.run("create-key", "--key-usage", "NOT_A_USAGE").assertServiceError("ValidationException");
    }

    @Test
    void describeKey_acceptsIdArnAliasAndAliasArn() {
        String keyId = kms.createKey();
        String arn = "arn:aws:kms:us-east-1:" + CliFixture.ACCOUNT + ":key/" + keyId;
        kms.ok("create-alias", "--alias-name", "alias/describe-me", "--target-key-id", keyId);
        for (String ref : List.of(keyId, arn, "alias/describe-me",
                "arn:aws:kms:us-east-1:" + CliFixture.ACCOUNT + ":alias/describe-me")) {
            assertEquals(arn, kms.ok("describe-key", "--key-id", ref).get("KeyMetadata").get("Arn").asText(), ref);
        }
    }

    @Test
    void describeKey_unknownKey_isNotFound() {
        kms.run("describe-key", "--key-id", "1234abcd-12ab-34cd-56ef-1234567890ab").assertServiceError("NotFoundException");
    }

    @Test
    void listKeys_fetchesEveryPageUnlessLimited() {
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            created.add(kms.createKey());
        }
        JsonNode all = kms.ok("list-keys", "--page-size", "1");
        assertEquals(3, all.get("Keys").size());
        assertFalse(all.has("Truncated") || all.has("NextMarker"), all.toString());
        List<String> ids = new ArrayList<>();
        all.get("Keys").forEach(k -> ids.add(k.get("KeyId").asText()));
        assertTrue(ids.containsAll(created), ids.toString());

        JsonNode firstPage = kms.ok("list-keys", "--limit", "2");
        assertEquals(2, firstPage.get("Keys").size());
        assertTrue(firstPage.get("Truncated").asBoolean());
        JsonNode rest = kms.ok("list-keys", "--limit", "2", "--marker", firstPage.get("NextMarker").asText());
        assertEquals(1, rest.get("Keys").size());
        assertFalse(rest.get("Truncated").asBoolean());

        JsonNode bounded = kms.ok("list-keys", "--max-items", "2");
        assertEquals(2, bounded.get("Keys").size());
        JsonNode resumed = kms.ok("list-keys", "--starting-token", bounded.get("NextToken").asText());
        assertEquals(1, resumed.get("Keys").size());
        assertFalse(resumed.has("NextToken"));
    }

    @Test
    void listKeys_limitAndStartingToken_isAUsageError() {
        kms.run("list-keys", "--limit", "1", "--starting-token", "x").assertUsageError("cannot be combined");
    }

    @Test
    void updateKeyDescription_printsNothingAndChangesIt() {
        String keyId = kms.createKey();
        CliFixture.Result result = kms.run("update-key-description", "--key-id", keyId, "--description", "renamed");
        assertEquals(0, result.exit());
        assertEquals("", result.out());
        assertEquals("renamed", kms.ok("describe-key", "--key-id", keyId).get("KeyMetadata").get("Description").asText());
    }

    @Test
    void disableKey_refusesCrypto_untilEnabled() {
        String keyId = kms.createKey();
        assertEquals("", kms.run("disable-key", "--key-id", keyId).out());
        assertEquals("Disabled", kms.ok("describe-key", "--key-id", keyId).get("KeyMetadata").get("KeyState").asText());
        kms.run("encrypt", "--key-id", keyId, "--plaintext", "aGVsbG8=").assertServiceError("DisabledException");
        assertEquals("", kms.run("enable-key", "--key-id", keyId).out());
        kms.ok("encrypt", "--key-id", keyId, "--plaintext", "aGVsbG8=");
    }

    @Test
    void scheduleKeyDeletion_thenCancel_leavesTheKeyDisabled() {
        String keyId = kms.createKey();
        JsonNode scheduled = kms.ok("schedule-key-deletion", "--key-id", keyId, "--pending-window-in-days", "7");
        assertEquals("PendingDeletion", scheduled.get("KeyState").asText());
        assertEquals(7, scheduled.get("PendingWindowInDays").asInt());
        assertTrue(scheduled.get("DeletionDate").asText().matches(ISO), scheduled.toString());
        kms.run("encrypt", "--key-id", keyId, "--plaintext", "aGVsbG8=").assertServiceError("KMSInvalidStateException");

        JsonNode cancelled = kms.ok("cancel-key-deletion", "--key-id", keyId);
        assertTrue(cancelled.get("KeyId").asText().endsWith(keyId));
        assertEquals("Disabled", kms.ok("describe-key", "--key-id", keyId).get("KeyMetadata").get("KeyState").asText());
        kms.run("cancel-key-deletion", "--key-id", keyId).assertServiceError("KMSInvalidStateException");
    }

    @Test
    void scheduleKeyDeletion_outOfRangeWindow_isValidationException() {
        String keyId = kms.createKey();
        kms.run("schedule-key-deletion", "--key-id", keyId, "--pending-window-in-days", "3")
                .assertServiceError("ValidationException");
    }

    @Test
    void dueDeletion_happensAtTheStartOfTheNextCommand() throws Exception {
        String keyId = kms.createKey();
        int objectsBefore = kms.ok("hsm", "status").get("ObjectCount").asInt();
        kms.ok("schedule-key-deletion", "--key-id", keyId, "--pending-window-in-days", "7");
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("metadata.db"));
             PreparedStatement moveBack = db.prepareStatement("UPDATE keys SET deletion_date = 0 WHERE key_id = ?")) {
            moveBack.setString(1, keyId);
            assertEquals(1, moveBack.executeUpdate());
        }
        assertEquals(0, kms.ok("list-keys").get("Keys").size());
        kms.run("describe-key", "--key-id", keyId).assertServiceError("NotFoundException");
        assertEquals(objectsBefore - 1, kms.ok("hsm", "status").get("ObjectCount").asInt());
    }
}
