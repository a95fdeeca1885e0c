package dev.kms.cli;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TagCommandsTest extends CliTestBase {

    @Test
    void tagUntagAndList() {
        String keyId = kms.createKey();
        assertEquals("", kms.run("tag-resource", "--key-id", keyId,
                "--tags", "TagKey=b,TagValue=2", "[{\"TagKey\":\"a\",\"TagValue\":\"1\"}]").out());
        assertEquals("{\"Tags\":[{\"TagKey\":\"a\",\"TagValue\":\"1\"},{\"TagKey\":\"b\",\"TagValue\":\"2\"}],\"Truncated\":false}",
                kms.ok("list-resource-tags", "--key-id", keyId, "--no-paginate").toString());

        assertEquals("", kms.run("untag-resource", "--key-id", keyId, "--tag-keys", "a").out());
        assertEquals("b\t2\n", kms.run("list-resource-tags", "--key-id", keyId, "--output", "text",
                "--query", "Tags[].[TagKey,TagValue]").out());
    }

    @Test
    void tagResource_overTheLimit_isLimitExceeded() {
        String keyId = kms.createKey();
        List<String> args = new ArrayList<>(List.of("tag-resource", "--key-id", keyId, "--tags"));
        for (int i = 0; i < 51; i++) {
            args.add("TagKey=k" + i + ",TagValue=v");
        }
        kms.run(args.toArray(String[]::new)).assertServiceError("LimitExceededException");
    }

    @Test
    void tagResource_badShorthand_isAUsageError() {
        String keyId = kms.createKey();
        kms.run("tag-resource", "--key-id", keyId, "--tags", "Key=a,Value=b").assertUsageError("TagKey=KEY,TagValue=VALUE");
    }
}
