package dev.kms.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.burt.jmespath.Expression;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Prints a response the way the AWS CLI v2 does: timestamps as ISO-8601, then the --query, then JSON
 * (indented by four spaces, {@code "key": value}) or text (awscli/text.py: scalars tab-separated, one
 * line per object). An empty response prints nothing.
 */
public final class Output {
    /** How a result is printed: --output json|text. */
    enum Format { json, text }

    /** Members the wire carries as epoch seconds. */
    private static final Set<String> TIMESTAMPS = Set.of("CreationDate", "DeletionDate", "NextRotationDate",
            "RotationDate", "LastUpdatedDate", "OnDemandRotationStartDate", "ValidTo", "ImportDate");
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
    private static final ObjectWriter JSON = Params.MAPPER.writer(new DefaultPrettyPrinter(
            Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("")
                    .withArrayEmptySeparator(""))
            .withObjectIndenter(new DefaultIndenter("    ", "\n"))
            .withArrayIndenter(new DefaultIndenter("    ", "\n")));

    private Output() {
    }

    static void print(JsonNode response, Format format, Expression<JsonNode> query, PrintWriter out) {
        JsonNode result = isoTimestamps(response.deepCopy());
        if (query != null) {
            result = query.search(result);
        }
        if (format == Format.text) {
            StringBuilder text = new StringBuilder();
            text(result, null, null, text);
            out.print(text);
        } else if (!(result.isObject() && result.isEmpty())) {
            out.print(json(result));
            out.print('\n');
        }
        out.flush();
    }

    static String json(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replaces epoch-second timestamps, wherever they are, by ISO-8601 text in UTC. */
    static JsonNode isoTimestamps(JsonNode node) {
        if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonNode value = object.get(name);
                if (TIMESTAMPS.contains(name) && value.isNumber()) {
                    object.set(name, TextNode.valueOf(iso(value.decimalValue())));
                } else {
                    isoTimestamps(value);
                }
            }
        } else if (node.isArray()) {
            node.forEach(Output::isoTimestamps);
        }
        return node;
    }

    /** Python's {@code datetime.isoformat()}: microseconds only when not zero, offset +00:00. */
    public static String iso(BigDecimal epochSeconds) {
        long seconds = epochSeconds.longValue();
        int micros = epochSeconds.subtract(BigDecimal.valueOf(seconds)).movePointRight(6).intValue();
        Instant instant = Instant.ofEpochSecond(seconds);
        String text = SECONDS.format(instant.atOffset(ZoneOffset.UTC));
        if (micros != 0) {
            text += String.format(".%06d", micros);
        }
        return text + "+00:00";
    }

    /** A port of awscli/text.py format_text. */
    private static void text(JsonNode item, String identifier, List<String> scalarKeys, StringBuilder out) {
        if (item.isObject()) {
            textObject(item, identifier, scalarKeys, out);
        } else if (item.isArray()) {
            textArray(item, identifier, out);
        } else {
            out.append(scalar(item)).append('\n');
        }
    }

    private static void textArray(JsonNode list, String identifier, StringBuilder out) {
        if (list.isEmpty()) {
            return;
        }
        boolean anyObject = false;
        boolean anyArray = false;
        for (JsonNode element : list) {
            anyObject |= element.isObject();
            anyArray |= element.isArray();
        }
        if (anyObject) {
            List<String> keys = allScalarKeys(list);
            list.forEach(element -> text(element, identifier, keys, out));
        } else if (anyArray) {
            List<JsonNode> scalars = new ArrayList<>();
            List<JsonNode> others = new ArrayList<>();
            list.forEach(element -> (element.isContainerNode() ? others : scalars).add(element));
            if (!scalars.isEmpty()) {
                scalarList(scalars, identifier, out);
            }
            others.forEach(element -> text(element, identifier, null, out));
        } else {
            List<JsonNode> scalars = new ArrayList<>();
            list.forEach(scalars::add);
            scalarList(scalars, identifier, out);
        }
    }

    private static void scalarList(List<JsonNode> elements, String identifier, StringBuilder out) {
        if (identifier != null) {
            elements.forEach(e -> out.append(identifier.toUpperCase()).append('\t').append(scalar(e)).append('\n'));
        } else {
            List<String> texts = elements.stream().map(Output::scalar).toList();
            out.append(String.join("\t", texts)).append('\n');
        }
    }

    private static void textObject(JsonNode object, String identifier, List<String> scalarKeys, StringBuilder out) {
        List<String> scalars = new ArrayList<>();
        List<Map.Entry<String, JsonNode>> nonScalars = new ArrayList<>();
        if (scalarKeys == null) {
            for (String key : new TreeSet<>(fieldNames(object))) {
                JsonNode value = object.get(key);
                if (value.isContainerNode()) {
                    nonScalars.add(Map.entry(key, value));
                } else {
                    scalars.add(scalar(value));
                }
            }
        } else {
            for (String key : scalarKeys) {
                JsonNode value = object.get(key);
                scalars.add(value == null ? "" : scalar(value));
            }
            TreeSet<String> remaining = new TreeSet<>(fieldNames(object));
            remaining.removeAll(scalarKeys);
            remaining.forEach(key -> nonScalars.add(Map.entry(key, object.get(key))));
        }
        if (!scalars.isEmpty()) {
            if (identifier != null) {
                scalars.add(0, identifier.toUpperCase());
            }
            out.append(String.join("\t", scalars)).append('\n');
        }
        nonScalars.forEach(e -> text(e.getValue(), e.getKey(), null, out));
    }

    private static List<String> allScalarKeys(JsonNode listOfObjects) {
        TreeSet<String> keys = new TreeSet<>();
        for (JsonNode element : listOfObjects) {
            if (element.isObject()) {
                element.properties().forEach(e -> {
                    if (!e.getValue().isContainerNode()) {
                        keys.add(e.getKey());
                    }
                });
            }
        }
        return new ArrayList<>(keys);
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    /** Python's str() of a JSON scalar: strings raw, True/False, None. */
    private static String scalar(JsonNode value) {
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isBoolean()) {
            return value.booleanValue() ? "True" : "False";
        }
        if (value.isNull() || value.isMissingNode()) {
            return "None";
        }
        return value.asText();
    }
}
