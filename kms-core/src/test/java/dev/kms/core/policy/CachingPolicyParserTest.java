package dev.kms.core.policy;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class CachingPolicyParserTest {
    private static final String KEY_POLICY = Policies.defaultKeyPolicy("aws", "111122223333");

    @Test
    void parse_parsesEachDocumentOncePerKind() {
        AtomicInteger parses = new AtomicInteger();
        CachingPolicyParser parser = new CachingPolicyParser((document, kind) -> {
            parses.incrementAndGet();
            return TestJson.policy(document, kind);
        });

        Policy first = parser.parse(KEY_POLICY, PolicyKind.KEY);
        Policy again = parser.parse(KEY_POLICY, PolicyKind.KEY);

        assertSame(first, again);
        assertEquals(1, parses.get());
    }

    @Test
    void parse_ofManyDistinctDocuments_staysCorrectPastTheBound() {
        CachingPolicyParser parser = new CachingPolicyParser(TestJson::policy);
        for (int i = 0; i < 10_050; i++) {
            String document = KEY_POLICY.replace("key-default-1", "key-" + i);
            assertEquals("key-" + i, parser.parse(document, PolicyKind.KEY).id());
        }
    }
}
