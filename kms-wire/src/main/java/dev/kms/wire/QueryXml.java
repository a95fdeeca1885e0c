package dev.kms.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import javax.xml.stream.XMLStreamWriter;

/**
 * The XML of AWS's Query protocol for IAM and STS, on the JDK's StAX: results written as
 * {@code <ActionResponse xmlns=...><ActionResult>...</ActionResult><ResponseMetadata><RequestId>} and errors as
 * {@code <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>}, and both read back (the CLI's
 * remote mode). A result is a JSON tree in the shape of {@code dev.kms.api.IdentityApi}'s results: objects become
 * nested elements, arrays {@code <member>} lists, policy documents URL-encoded as IAM sends them. XML carries no
 * types, so reading needs the few shapes below.
 */
public final class QueryXml {
    public static final String CONTENT_TYPE = "text/xml";
    /** The XML namespace of each service's API version. */
    public static final Map<String, String> NAMESPACES = Map.of(
            "iam", "https://iam.amazonaws.com/doc/2010-05-08/",
            "sts", "https://sts.amazonaws.com/doc/2011-06-15/");
    /** Members that are lists of {@code <member>} elements. */
    static final Set<String> LISTS = Set.of("Users", "Roles", "AccessKeyMetadata", "PolicyNames");
    /** Members that are integers. */
    static final Set<String> INTEGERS = Set.of("MaxSessionDuration");
    /** Members that are booleans. */
    static final Set<String> BOOLEANS = Set.of("IsTruncated");
    /** Policy documents, URL-encoded JSON text on the wire (IAM's own convention, which the AWS CLI decodes). */
    static final Set<String> DOCUMENTS = Set.of("PolicyDocument", "AssumeRolePolicyDocument");

    private static final XMLOutputFactory OUTPUT = XMLOutputFactory.newFactory();
    private static final XMLInputFactory INPUT = XMLInputFactory.newFactory();
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    static {
        // Answers come from a server: no DTDs, no external entities.
        INPUT.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        INPUT.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    }

    private QueryXml() {
    }

    /** The response to {@code action} of {@code service}; an empty result writes no Result element, as IAM does. */
    public static byte[] result(String service, String action, ObjectNode result, String requestId) {
        return write(writer -> {
            writer.writeStartElement(action + "Response");
            writer.writeDefaultNamespace(NAMESPACES.get(service));
            if (!result.isEmpty()) {
                writer.writeStartElement(action + "Result");
                members(writer, result);
                writer.writeEndElement();
            }
            writer.writeStartElement("ResponseMetadata");
            element(writer, "RequestId", requestId);
            writer.writeEndElement();
            writer.writeEndElement();
        });
    }

    /** An error body; {@code sender} false for the service's own faults (Type Receiver). */
    public static byte[] error(String service, boolean sender, String code, String message, String requestId) {
        return write(writer -> {
            writer.writeStartElement("ErrorResponse");
            writer.writeDefaultNamespace(NAMESPACES.getOrDefault(service, NAMESPACES.get("iam")));
            writer.writeStartElement("Error");
            element(writer, "Type", sender ? "Sender" : "Receiver");
            element(writer, "Code", code);
            element(writer, "Message", message);
            writer.writeEndElement();
            element(writer, "RequestId", requestId);
            writer.writeEndElement();
        });
    }

    /** The members of {@code <ActionResult>} of a response body; empty when there is none. */
    public static ObjectNode readResult(byte[] body, String action) {
        try {
            XMLStreamReader reader = INPUT.createXMLStreamReader(new ByteArrayInputStream(body));
            try {
                if (!toElement(reader, action + "Result")) {
                    return JSON.objectNode();
                }
                return readObject(reader);
            } finally {
                reader.close();
            }
        } catch (XMLStreamException e) {
            throw new IllegalArgumentException("the response is not the XML of " + action + ": " + e.getMessage(), e);
        }
    }

    /** The {@code Code} and {@code Message} of an error body, or null when it is not one. */
    public static Map<String, String> readError(byte[] body) {
        try {
            XMLStreamReader reader = INPUT.createXMLStreamReader(new ByteArrayInputStream(body));
            try {
                if (!toElement(reader, "Error")) {
                    return null;
                }
                ObjectNode error = readObject(reader);
                return error.hasNonNull("Code")
                        ? Map.of("Code", error.path("Code").asText(), "Message", error.path("Message").asText(""))
                        : null;
            } finally {
                reader.close();
            }
        } catch (XMLStreamException e) {
            return null;
        }
    }

    // ---- writing

    @FunctionalInterface
    private interface Body {
        void write(XMLStreamWriter writer) throws XMLStreamException;
    }

    private static byte[] write(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try {
            XMLStreamWriter writer = OUTPUT.createXMLStreamWriter(out, "UTF-8");
            writer.writeStartDocument("UTF-8", "1.0");
            body.write(writer);
            writer.writeEndDocument();
            writer.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("an XML response always serializes", e);
        }
        return out.toByteArray();
    }

    private static void members(XMLStreamWriter writer, ObjectNode object) throws XMLStreamException {
        for (Map.Entry<String, JsonNode> member : object.properties()) {
            value(writer, member.getKey(), member.getValue());
        }
    }

    private static void value(XMLStreamWriter writer, String name, JsonNode value) throws XMLStreamException {
        writer.writeStartElement(name);
        if (value instanceof ObjectNode object) {
            members(writer, object);
        } else if (value.isArray()) {
            for (JsonNode item : value) {
                value(writer, "member", item);
            }
        } else {
            String text = value.asText();
            writer.writeCharacters(DOCUMENTS.contains(name)
                    ? URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20") : text);
        }
        writer.writeEndElement();
    }

    private static void element(XMLStreamWriter writer, String name, String text) throws XMLStreamException {
        writer.writeStartElement(name);
        writer.writeCharacters(text);
        writer.writeEndElement();
    }

    // ---- reading

    /** Advances to the start of the first element named {@code name}; false at the end of the document. */
    private static boolean toElement(XMLStreamReader reader, String name) throws XMLStreamException {
        while (reader.hasNext()) {
            if (reader.next() == XMLStreamConstants.START_ELEMENT && reader.getLocalName().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** The children of the current element as members, up to its end. */
    private static ObjectNode readObject(XMLStreamReader reader) throws XMLStreamException {
        ObjectNode object = JSON.objectNode();
        while (reader.nextTag() == XMLStreamConstants.START_ELEMENT) {
            String name = reader.getLocalName();
            object.set(name, readValue(reader, name));
        }
        return object;
    }

    private static JsonNode readValue(XMLStreamReader reader, String name) throws XMLStreamException {
        if (LISTS.contains(name)) {
            ArrayNode list = JSON.arrayNode();
            while (reader.nextTag() == XMLStreamConstants.START_ELEMENT) {
                list.add(readValue(reader, "member"));
            }
            return list;
        }
        StringBuilder text = new StringBuilder();
        while (true) {
            int event = reader.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                // A structure: its first child is already open.
                ObjectNode object = JSON.objectNode();
                do {
                    String child = reader.getLocalName();
                    object.set(child, readValue(reader, child));
                } while (reader.nextTag() == XMLStreamConstants.START_ELEMENT);
                return object;
            }
            if (event == XMLStreamConstants.END_ELEMENT) {
                return scalar(name, text.toString());
            }
            if (event == XMLStreamConstants.CHARACTERS || event == XMLStreamConstants.CDATA) {
                text.append(reader.getText());
            }
        }
    }

    private static JsonNode scalar(String name, String text) {
        if (INTEGERS.contains(name)) {
            return JSON.numberNode(Integer.parseInt(text.strip()));
        }
        if (BOOLEANS.contains(name)) {
            return JSON.booleanNode(Boolean.parseBoolean(text.strip()));
        }
        if (DOCUMENTS.contains(name)) {
            return JSON.textNode(URLDecoder.decode(text, StandardCharsets.UTF_8));
        }
        return JSON.textNode(text);
    }
}
