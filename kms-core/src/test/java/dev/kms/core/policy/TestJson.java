package dev.kms.core.policy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal JSON reader for tests, producing the tree {@link PolicyDocuments#fromTree} takes. kms-core may not
 * depend on a JSON library even in tests (the enforcer bans it); the real parser is kms-api's JsonPolicyParser.
 */
public final class TestJson {
    private final String text;
    private int pos;

    private TestJson(String text) {
        this.text = text;
    }

    public static Object read(String text) {
        TestJson json = new TestJson(text);
        Object value = json.value();
        json.skipSpace();
        if (json.pos != text.length()) {
            throw new IllegalArgumentException("trailing text at " + json.pos);
        }
        return value;
    }

    /** Reads a document and applies the policy rules, as a PolicyParser would. */
    public static Policy policy(String text, PolicyKind kind) {
        PolicyDocuments.checkSize(text);
        return PolicyDocuments.fromTree(read(text), kind);
    }

    private Object value() {
        skipSpace();
        char c = text.charAt(pos);
        switch (c) {
            case '{' -> {
                pos++;
                Map<String, Object> map = new LinkedHashMap<>();
                elements('}', () -> {
                    skipSpace();
                    String key = string();
                    skipSpace();
                    expect(':');
                    if (map.put(key, value()) != null) {
                        throw new IllegalArgumentException("duplicate key " + key);
                    }
                });
                return map;
            }
            case '[' -> {
                pos++;
                List<Object> list = new ArrayList<>();
                elements(']', () -> list.add(value()));
                return list;
            }
            case '"' -> {
                return string();
            }
            default -> {
                for (String literal : new String[] {"true", "false", "null"}) {
                    if (text.startsWith(literal, pos)) {
                        pos += literal.length();
                        return literal.equals("null") ? null : Boolean.valueOf(literal);
                    }
                }
                int start = pos;
                while (pos < text.length() && "+-.eE0123456789".indexOf(text.charAt(pos)) >= 0) {
                    pos++;
                }
                return new BigDecimal(text.substring(start, pos));
            }
        }
    }

    /** Reads the comma-separated elements of an object or array up to {@code close}; the opening bracket is read. */
    private void elements(char close, Runnable element) {
        skipSpace();
        if (text.charAt(pos) == close) {
            pos++;
            return;
        }
        do {
            element.run();
            skipSpace();
        } while (text.charAt(pos++) == ',');
        if (text.charAt(pos - 1) != close) {
            throw new IllegalArgumentException("expected " + close + " at " + (pos - 1));
        }
    }

    private String string() {
        expect('"');
        StringBuilder sb = new StringBuilder();
        while (text.charAt(pos) != '"') {
            char c = text.charAt(pos++);
            if (c == '\\') {
                char e = text.charAt(pos++);
                sb.append(switch (e) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case 'u' -> {
                        char u = (char) Integer.parseInt(text.substring(pos, pos + 4), 16);
                        pos += 4;
                        yield u;
                    }
                    default -> e;
                });
            } else {
                sb.append(c);
            }
        }
        pos++;
        return sb.toString();
    }

    private void expect(char c) {
        if (text.charAt(pos) != c) {
            throw new IllegalArgumentException("expected " + c + " at " + pos);
        }
        pos++;
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }
}
