package dev.kms.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JsonRequestBodyTest {
    /** {"EncryptionContext":{"k<bytes>":"v"}}: the bytes in a member name, where the audit trail once broke. */
    static byte[] contextKeyWith(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("{\"EncryptionContext\":{\"k".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(bytes);
        out.writeBytes("\":\"v\"}}".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "f4908080", // U+110000, beyond Unicode: Jackson makes two lone low surrogates of it
            "c0af", // overlong '/': Jackson decodes it as '/'
            "e080af", // overlong '/' in three bytes
            "eda080", // an encoded high surrogate
            "edbfbf", // an encoded low surrogate
            "f8888080", // a five-byte form
            "ff",
            "80", // a continuation byte alone
            "e282", // a truncated three-byte sequence
    })
    void parse_malformedUtf8_isRefused(String hex) {
        JsonRequestBody.Refused e = assertThrows(JsonRequestBody.Refused.class,
                () -> JsonRequestBody.parse(contextKeyWith(HexFormat.of().parseHex(hex))));
        assertEquals("The request body is not valid UTF-8.", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"EncryptionContext\":{\"k\":\"\\ud800\"}}",
            "{\"GrantTokens\":[\"\\ud800x\"]}",
            "{\"KeyId\":\"\\udfff\\ud800\"}",
    })
    void parse_unpairedSurrogateEscape_isRefused(String body) {
        JsonRequestBody.Refused e = assertThrows(JsonRequestBody.Refused.class,
                () -> JsonRequestBody.parse(body.getBytes(StandardCharsets.US_ASCII)));
        assertEquals("The request body holds an unpaired UTF-16 surrogate escape.", e.getMessage());
    }

    /** Jackson refuses these itself, in member names (and not in values, which the test above covers). */
    @ParameterizedTest
    @ValueSource(strings = {"\\udc00", "\\ud800", "\\ud800x", "x\\udfff\\ud800"})
    void parse_unpairedSurrogateEscapeInAName_isRefused(String name) {
        JsonRequestBody.Refused e = assertThrows(JsonRequestBody.Refused.class, () -> JsonRequestBody.parse(
                ("{\"EncryptionContext\":{\"" + name + "\":\"v\"}}").getBytes(StandardCharsets.US_ASCII)));
        assertEquals("The request body is not valid JSON.", e.getMessage());
    }

    @Test
    void parse_wellFormedText_beyondTheBmp_isKept_rawOrEscaped() throws Exception {
        ObjectNode raw = JsonRequestBody.parse(contextKeyWith("\u00e9\u20ac\uD83D\uDE00".getBytes(StandardCharsets.UTF_8)));
        assertEquals("v", raw.get("EncryptionContext").get("k\u00e9\u20ac\uD83D\uDE00").asText());
        ObjectNode escaped = JsonRequestBody.parse(
                "{\"EncryptionContext\":{\"\\ud83d\\ude00\":\"v\"}}".getBytes(StandardCharsets.US_ASCII));
        assertEquals("v", escaped.get("EncryptionContext").get("\uD83D\uDE00").asText());
    }

    @Test
    void parse_emptyBody_isAnEmptyObject() throws Exception {
        assertEquals(0, JsonRequestBody.parse(new byte[0]).size());
    }

    @Test
    void parse_notAnObject_orNotJson_isRefused() {
        assertEquals("The request body must be a JSON object.", assertThrows(JsonRequestBody.Refused.class,
                () -> JsonRequestBody.parse("[1]".getBytes(StandardCharsets.US_ASCII))).getMessage());
        assertEquals("The request body is not valid JSON.", assertThrows(JsonRequestBody.Refused.class,
                () -> JsonRequestBody.parse("{\"a\":1} {}".getBytes(StandardCharsets.US_ASCII))).getMessage());
    }
}
