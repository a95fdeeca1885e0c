package dev.kms.core.ciphertext;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EncryptionContextTest {

    @Test
    void serialize_isCanonical_whateverTheOrderOfPairs() {
        Map<String, String> ba = new LinkedHashMap<>();
        ba.put("b", "2");
        ba.put("a", "1");
        byte[] bytes = EncryptionContext.of(ba, "encryptionContext").serialize();

        assertEquals("0002" + "000161" + "000131" + "000162" + "000132", HexFormat.of().formatHex(bytes));
        assertArrayEquals(bytes, EncryptionContext.of(Map.of("a", "1", "b", "2"), "encryptionContext").serialize());
    }

    @Test
    void serialize_ofNoContext_isAZeroCount() {
        assertEquals("0000", HexFormat.of().formatHex(EncryptionContext.of(null, "encryptionContext").serialize()));
    }

    @Test
    void of_withOversizedValue_failsValidationNamingTheField() {
        KmsException e = assertThrows(KmsException.class,
                () -> EncryptionContext.of(Map.of("k", "v".repeat(70_000)), "destinationEncryptionContext"));
        assertEquals(ErrorCode.VALIDATION, e.code());
        assertTrue(e.getMessage().contains("'destinationEncryptionContext'"), e.getMessage());
    }

    @Test
    void of_withTotalSizeOverLimit_failsValidation() {
        Map<String, String> big = Map.of("a", "x".repeat(5000), "b", "y".repeat(5000));
        KmsException e = assertThrows(KmsException.class, () -> EncryptionContext.of(big, "encryptionContext"));
        assertEquals(ErrorCode.VALIDATION, e.code());
        assertTrue(e.getMessage().contains("8192"), e.getMessage());
    }
}
