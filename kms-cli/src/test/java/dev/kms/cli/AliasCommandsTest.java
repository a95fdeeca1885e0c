package dev.kms.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AliasCommandsTest extends CliTestBase {

    @Test
    void createUpdateListDeleteAlias() {
        String first = kms.createKey();
        String second = kms.createKey();
        CliFixture.Result created = kms.run("create-alias", "--alias-name", "alias/app", "--target-key-id", first);
        assertEquals(0, created.exit(), created.err());
        assertEquals("", created.out());

        JsonNode aliases = kms.ok("list-aliases", "--key-id", first).get("Aliases");
        assertEquals(1, aliases.size());
        JsonNode alias = aliases.get(0);
        assertEquals("alias/app", alias.get("AliasName").asText());
        assertEquals("arn:aws:kms:us-east-1:" + CliFixture.ACCOUNT + ":alias/app", alias.get("AliasArn").asText());
        assertEquals(first, alias.get("TargetKeyId").asText());

        assertEquals("", kms.run("update-alias", "--alias-name", "alias/app", "--target-key-id", second).out());
        assertTrue(kms.ok("describe-key", "--key-id", "alias/app").get("KeyMetadata").get("KeyId").asText().equals(second));

        assertEquals("", kms.run("delete-alias", "--alias-name", "alias/app").out());
        kms.run("describe-key", "--key-id", "alias/app").assertServiceError("NotFoundException");
    }

    @Test
    void listAliases_textOutput_isOneTabSeparatedRowPerAlias() {
        String keyId = kms.createKey();
        kms.ok("create-alias", "--alias-name", "alias/a", "--target-key-id", keyId);
        kms.ok("create-alias", "--alias-name", "alias/b", "--target-key-id", keyId);
        String text = kms.run("list-aliases", "--key-id", keyId, "--output", "text").out();
        String[] lines = text.split("\n");
        assertEquals(2, lines.length, text);
        // awscli/text.py: identifier, then the scalar members in key order.
        assertTrue(lines[0].startsWith("ALIASES\tarn:aws:kms:us-east-1:" + CliFixture.ACCOUNT + ":alias/a\talias/a\t"), lines[0]);
        assertTrue(lines[0].endsWith("\t" + keyId), lines[0]);

        assertEquals("alias/a\talias/b\n", kms.run("list-aliases", "--key-id", keyId,
                "--query", "Aliases[].AliasName", "--output", "text").out());
    }

    @Test
    void createAlias_twice_isAlreadyExists() {
        String keyId = kms.createKey();
        kms.ok("create-alias", "--alias-name", "alias/dup", "--target-key-id", keyId);
        kms.run("create-alias", "--alias-name", "alias/dup", "--target-key-id", keyId)
                .assertServiceError("AlreadyExistsException");
    }

    @Test
    void createAlias_reservedPrefix_isInvalidAliasName() {
        String keyId = kms.createKey();
        kms.run("create-alias", "--alias-name", "alias/aws/mine", "--target-key-id", keyId)
                .assertServiceError("InvalidAliasNameException");
    }

    @Test
    void deleteAlias_unknown_isNotFound() {
        kms.run("delete-alias", "--alias-name", "alias/none").assertServiceError("NotFoundException");
    }
}
