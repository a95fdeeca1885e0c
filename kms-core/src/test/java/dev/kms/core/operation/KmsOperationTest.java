package dev.kms.core.operation;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class KmsOperationTest {
    private static final Set<String> CRYPTO = Set.of("Encrypt", "Decrypt", "ReEncrypt", "GenerateDataKey",
            "GenerateDataKeyWithoutPlaintext", "GenerateRandom", "GenerateMac", "VerifyMac");

    @Test
    void readOnly_isCloudTrails_describeListGetAndTheCryptographicOperations() {
        for (KmsOperation operation : KmsOperation.values()) {
            String name = operation.wireName();
            boolean expected = name.startsWith("Describe") || name.startsWith("List") || name.startsWith("Get")
                    || CRYPTO.contains(name);
            assertEquals(expected, operation.readOnly(), name);
        }
    }

    @Test
    void actions_arekmsAndTheWireName_butReEncryptIsFromAndTo() {
        assertEquals(new Action("kms:Encrypt"), KmsOperation.ENCRYPT.action());
        assertEquals(List.of(new Action("kms:ReEncryptFrom"), new Action("kms:ReEncryptTo")),
                KmsOperation.RE_ENCRYPT.actions());
        assertEquals(new Action("kms:ReEncryptFrom"), KmsOperation.RE_ENCRYPT_FROM);
        assertThrows(IllegalStateException.class, KmsOperation.RE_ENCRYPT::action);
    }

    @Test
    void ofWireName_findsTheRow_orNothing() {
        assertSame(KmsOperation.LIST_KEY_ROTATIONS, KmsOperation.ofWireName("ListKeyRotations"));
        assertNull(KmsOperation.ofWireName("CreateGrant"));
        assertNull(KmsOperation.ofWireName(null));
        assertEquals(31, KmsOperation.values().length);
    }
}
