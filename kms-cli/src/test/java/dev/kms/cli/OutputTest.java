package dev.kms.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.burt.jmespath.jackson.JacksonRuntime;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;

import static org.junit.jupiter.api.Assertions.assertEquals;

class OutputTest {

    @Test
    void iso_matchesPythonIsoformat() {
        assertEquals("2026-11-28T18:05:32.123000+00:00", Output.iso(new BigDecimal("1795889132.123")));
        assertEquals("2026-11-28T18:05:32+00:00", Output.iso(new BigDecimal("1795889132")));
    }

    @Test
    void json_convertsTimestampsAndIndentsLikeTheAwsCli() throws Exception {
        assertEquals("{\n    \"KeyMetadata\": {\n        \"CreationDate\": \"2026-11-28T18:05:32+00:00\",\n"
                        + "        \"Tags\": [],\n        \"Obj\": {}\n    }\n}\n",
                print("{\"KeyMetadata\":{\"CreationDate\":1795889132,\"Tags\":[],\"Obj\":{}}}", Output.Format.json, null));
    }

    @Test
    void emptyResponse_printsNothing() throws Exception {
        assertEquals("", print("{}", Output.Format.json, null));
        assertEquals("", print("{}", Output.Format.text, null));
    }

    @Test
    void text_followsAwscliTextFormat() throws Exception {
        String response = "{\"Truncated\":false,\"Keys\":[{\"KeyId\":\"a\",\"KeyArn\":\"arn-a\"},{\"KeyId\":\"b\",\"KeyArn\":\"arn-b\"}]}";
        assertEquals("False\nKEYS\tarn-a\ta\nKEYS\tarn-b\tb\n", print(response, Output.Format.text, null));
        assertEquals("a\tb\n", print(response, Output.Format.text, "Keys[].KeyId"));
        assertEquals("arn-a\n", print(response, Output.Format.text, "Keys[0].KeyArn"));
        assertEquals("None\n", print(response, Output.Format.text, "Missing"));
        assertEquals("null\n", print(response, Output.Format.json, "Missing"));
    }

    private static String print(String response, Output.Format format, String query) throws Exception {
        JsonNode node = Params.MAPPER.readTree(response);
        StringWriter out = new StringWriter();
        Output.print(node, format, query == null ? null : new JacksonRuntime().compile(query), new PrintWriter(out));
        return out.toString();
    }
}
