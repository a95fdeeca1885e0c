package dev.kms.core.model;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class KeyRefTest {
    private static final String ID = "1234abcd-12ab-34cd-56ef-1234567890ab";

    @Test
    void parse_readsTheFourForms() {
        KeyRef id = KeyRef.parse(ID, "keyId");
        assertEquals(KeyRef.Kind.KEY_ID, id.kind());
        assertEquals(ID, id.keyId());
        assertNull(id.aliasName());

        KeyRef keyArn = KeyRef.parse("arn:aws:kms:us-east-1:111122223333:key/" + ID, "keyId");
        assertEquals(KeyRef.Kind.KEY_ARN, keyArn.kind());
        assertEquals(ID, keyArn.keyId());
        assertEquals("aws", keyArn.partition());
        assertEquals("us-east-1", keyArn.region());
        assertEquals("111122223333", keyArn.accountId());

        KeyRef alias = KeyRef.parse("alias/app", "keyId");
        assertEquals(KeyRef.Kind.ALIAS_NAME, alias.kind());
        assertEquals("alias/app", alias.aliasName());
        assertNull(alias.keyId());

        KeyRef aliasArn = KeyRef.parse("arn:aws:kms:eu-west-1:444455556666:alias/app", "keyId");
        assertEquals(KeyRef.Kind.ALIAS_ARN, aliasArn.kind());
        assertEquals("alias/app", aliasArn.aliasName());
        assertEquals("444455556666", aliasArn.accountId());
    }

    @Test
    void parse_namesTheMemberInValidationErrors() {
        KmsException empty = assertThrows(KmsException.class, () -> KeyRef.parse("", "destinationKeyId"));
        assertEquals(ErrorCode.VALIDATION, empty.code());
        assertEquals("1 validation error detected: Value at 'destinationKeyId' failed to satisfy constraint: "
                + "Member must have length greater than or equal to 1", empty.getMessage());

        KmsException tooLong = assertThrows(KmsException.class,
                () -> KeyRef.parse("k".repeat(KeyRef.MAX_LENGTH + 1), "targetKeyId"));
        assertEquals(ErrorCode.VALIDATION, tooLong.code());
        assertEquals("1 validation error detected: Value at 'targetKeyId' failed to satisfy constraint: "
                + "Member must have length less than or equal to 2048", tooLong.getMessage());
        assertEquals(KeyRef.MAX_LENGTH, KeyRef.parse("k".repeat(KeyRef.MAX_LENGTH), "keyId").text().length());
    }

    @Test
    void parse_refusesAnArnThatNamesNoKmsKeyOrAlias() {
        for (String text : new String[] {"arn:aws:kms:broken", "arn:aws:s3:us-east-1:111122223333:key/" + ID,
                "arn:aws:kms:us-east-1:1111:key/" + ID, "arn:aws:kms:us-east-1:111122223333:grant/x"}) {
            KmsException e = assertThrows(KmsException.class, () -> KeyRef.parse(text, "keyId"), text);
            assertEquals(ErrorCode.INVALID_ARN, e.code());
            assertEquals("Invalid arn " + text, e.getMessage());
        }
    }

    @Test
    void ofKeyId_isAKeyIdRef() {
        assertEquals(KeyRef.parse(ID, "keyId"), KeyRef.ofKeyId(ID));
    }
}
