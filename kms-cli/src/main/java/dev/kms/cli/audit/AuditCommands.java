package dev.kms.cli.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.kms.audit.AuditLookup;
import dev.kms.audit.AuditVerifier;
import dev.kms.cli.Errors;
import dev.kms.cli.KmsCli;
import dev.kms.cli.Output;
import dev.kms.cli.Params;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * The audit trail (docs/audit-trail.md): {@code kms audit verify}, {@code kms audit lookup-events} (as
 * {@code aws cloudtrail lookup-events}), and {@code kms get-key-last-usage}, which answers from the trail.
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "The audit trail under KMS_HOME/audit: verify it, look up its events.",
        subcommands = {AuditCommands.Verify.class, AuditCommands.LookupEvents.class})
public final class AuditCommands {
    /** Operations that use a key's material: what counts as using a key for get-key-last-usage. */
    static final Set<String> KEY_USES = Set.of("Encrypt", "Decrypt", "ReEncrypt", "GenerateDataKey",
            "GenerateDataKeyWithoutPlaintext", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext", "Sign",
            "Verify", "GenerateMac", "VerifyMac", "DeriveSharedSecret");

    private AuditCommands() {
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Checks the hash chain and the HSM seals of the whole trail and prints the report as JSON.",
                    "Exit 0 when intact (warnings such as the unsealed tail may remain), 1 when anything was modified,"
                            + " inserted, deleted, reordered or a file removed. What it cannot detect:"
                            + " docs/audit-trail.md."})
    static final class Verify implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            KmsCli cli = (KmsCli) spec.root().userObject();
            // The trail is not opened for writing: a damaged trail must still be examinable.
            AuditVerifier.Report report = cli.withAuditReadingSession(
                    session -> AuditVerifier.with(session.auditSealer()).verify(session.auditDirectory()));
            cli.print(report(report));
            if (report.intact()) {
                return 0;
            }
            spec.commandLine().getErr().println("kms: the audit trail is not intact: "
                    + report.problems().stream().filter(p -> p.severity() == AuditVerifier.Severity.CORRUPTION).count()
                    + " problem(s)");
            spec.commandLine().getErr().flush();
            return Errors.SERVICE_ERROR;
        }

        static ObjectNode report(AuditVerifier.Report report) {
            ObjectNode out = Params.NODES.objectNode();
            out.put("Intact", report.intact());
            out.put("Files", report.files());
            out.put("Records", report.records());
            out.put("Events", report.events());
            out.put("Digests", report.digests());
            out.put("LastSeq", report.lastSeq());
            out.put("LastSealedSeq", report.lastSealedSeq());
            ArrayNode problems = out.putArray("Problems");
            ArrayNode warnings = out.putArray("Warnings");
            for (AuditVerifier.Problem p : report.problems()) {
                ObjectNode item = (p.severity() == AuditVerifier.Severity.CORRUPTION ? problems : warnings).addObject();
                item.put("Kind", p.kind().name());
                item.put("File", p.file());
                item.put("Line", p.line());
                if (p.seq() >= 0) {
                    item.put("Seq", p.seq());
                }
                item.put("Message", p.message());
            }
            return out;
        }
    }

    @Command(name = "lookup-events", mixinStandardHelpOptions = true,
            description = {"Finds audit events, newest first, as `aws cloudtrail lookup-events` does.",
                    "Reads the files as they are; run `kms audit verify` to know whether they can be trusted."})
    static final class LookupEvents implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--lookup-attributes", arity = "1..*", converter = AttributeConverter.class,
                paramLabel = "AttributeKey=K,AttributeValue=V",
                description = {"Filters, all of which must match: AttributeKey is EventName, ResourceName (key ARN"
                        + " or id), Username (user name or principal ARN), EventId, ReadOnly, AccessKeyId,"
                        + " EventSource or ResourceType. Shorthand or JSON"
                        + " [{\"AttributeKey\":\"K\",\"AttributeValue\":\"V\"}]"})
        List<ArrayNode> attributes;

        @Option(names = "--start-time", converter = TimeConverter.class, paramLabel = "TIME",
                description = "Events at or after TIME: ISO-8601 (2025-01-31T12:00:00Z, 2025-01-31) or epoch seconds")
        Instant startTime;

        @Option(names = "--end-time", converter = TimeConverter.class, paramLabel = "TIME",
                description = "Events at or before TIME: ISO-8601 or epoch seconds")
        Instant endTime;

        @Option(names = "--max-results", paramLabel = "N", description = "Events per page, 1 to 50 (default 50)")
        Integer maxResults;

        @Option(names = "--next-token", paramLabel = "TOKEN", description = "NextToken of a previous page")
        String nextToken;

        @Override
        public Integer call() {
            KmsCli cli = (KmsCli) spec.root().userObject();
            List<AuditLookup.LookupAttribute> lookup = new ArrayList<>();
            if (attributes != null) {
                Params.flatten(attributes).forEach(a -> lookup.add(new AuditLookup.LookupAttribute(
                        a.get("AttributeKey").asText(), a.get("AttributeValue").asText())));
            }
            AuditLookup.Query query = new AuditLookup.Query(lookup, startTime, endTime, maxResults, nextToken);
            ObjectNode result = AuditLookup.of(cli.kmsHome().auditDirectory()).lookupEvents(query);
            result.get("Events").forEach(e -> ((ObjectNode) e).set("EventTime",
                    TextNode.valueOf(iso(Instant.parse(e.get("EventTime").asText())))));
            return cli.print(result);
        }
    }

    @Command(name = "get-key-last-usage", mixinStandardHelpOptions = true,
            description = {"When, by whom and with which operation a key was last used, from the audit trail.",
                    "Not an AWS KMS operation. The key is resolved and authorized like any key operation (it calls"
                            + " DescribeKey, so kms:DescribeKey is needed). \"Used\" means a successful Encrypt,"
                            + " Decrypt, ReEncrypt, GenerateDataKey* (or Sign, Verify, GenerateMac, VerifyMac)"
                            + " call; management calls do not count.",
                    "Output: {\"KeyId\": ARN, \"LastUsedDate\": ISO-8601, \"Principal\": caller ARN, \"Operation\":"
                            + " name}; without the LastUsedDate, Principal and Operation members when the trail holds"
                            + " no use. The answer is only as complete as the trail (see `kms audit verify`)."})
    public static final class GetKeyLastUsage implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--key-id", required = true, description = "Key id, key ARN, alias name or alias ARN")
        String keyId;

        @Override
        public Integer call() {
            KmsCli cli = (KmsCli) spec.root().userObject();
            return cli.print(cli.withSession(session -> {
                ObjectNode describe = Params.NODES.objectNode().put("KeyId", keyId);
                String arn = session.call("DescribeKey", describe).path("KeyMetadata").path("Arn").asText();
                ObjectNode out = Params.NODES.objectNode().put("KeyId", arn);
                JsonNode use = lastUse(AuditLookup.of(session.auditDirectory()), arn);
                if (use != null) {
                    out.put("LastUsedDate", iso(Instant.parse(use.get("eventTime").asText())));
                    out.put("Principal", use.path("userIdentity").path("arn").asText(null));
                    out.put("Operation", use.get("eventName").asText());
                }
                return out;
            }));
        }

        /** The newest successful use of the key, as its CloudTrail event; null when there is none. */
        static JsonNode lastUse(AuditLookup lookup, String keyArn) {
            List<AuditLookup.LookupAttribute> byKey = List.of(new AuditLookup.LookupAttribute("ResourceName", keyArn));
            String token = null;
            do {
                ObjectNode page = lookup.lookupEvents(new AuditLookup.Query(byKey, null, null, null, token));
                for (JsonNode entry : page.get("Events")) {
                    if (!KEY_USES.contains(entry.path("EventName").asText())) {
                        continue;
                    }
                    JsonNode event = parse(entry.get("CloudTrailEvent").asText());
                    if (!event.hasNonNull("errorCode")) {
                        return event;
                    }
                }
                token = page.path("NextToken").asText(null);
            } while (token != null);
            return null;
        }

        private static JsonNode parse(String json) {
            try {
                return Params.MAPPER.readTree(json);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("unreadable event in the audit trail", e);
            }
        }
    }

    /** As the AWS CLI prints timestamps (Output#iso): {@code 2025-01-31T12:00:00.123456+00:00}. */
    static String iso(Instant instant) {
        return Output.iso(BigDecimal.valueOf(instant.getEpochSecond()).add(BigDecimal.valueOf(instant.getNano() / 1000, 6)));
    }

    /**
     * One value of --lookup-attributes: {@code AttributeKey=K,AttributeValue=V} (the value may hold commas), or
     * JSON, one object or an array of them; each becomes {@code {AttributeKey, AttributeValue}} objects, whose
     * names the lookup checks.
     */
    static final class AttributeConverter implements ITypeConverter<ArrayNode> {
        private static final String KEY = "AttributeKey=";
        private static final String VALUE = ",AttributeValue=";

        @Override
        public ArrayNode convert(String value) {
            String text = Params.text(value).strip();
            ArrayNode pairs = Params.NODES.arrayNode();
            if (text.startsWith("[") || text.startsWith("{")) {
                JsonNode node;
                try {
                    node = Params.MAPPER.readTree(text);
                } catch (JsonProcessingException e) {
                    throw new TypeConversionException("invalid JSON: " + e.getOriginalMessage());
                }
                for (JsonNode item : node.isArray() ? node : Params.NODES.arrayNode().add(node)) {
                    if (!item.path("AttributeKey").isTextual() || !item.path("AttributeValue").isTextual()) {
                        throw new TypeConversionException(
                                "expected {\"AttributeKey\": \"...\", \"AttributeValue\": \"...\"}");
                    }
                    pairs.add(item);
                }
                return pairs;
            }
            int valueAt = text.indexOf(VALUE);
            if (!text.startsWith(KEY) || valueAt < 0) {
                throw new TypeConversionException("expected AttributeKey=KEY,AttributeValue=VALUE");
            }
            return pairs.add(Params.NODES.objectNode().put("AttributeKey", text.substring(KEY.length(), valueAt))
                    .put("AttributeValue", text.substring(valueAt + VALUE.length())));
        }
    }

    /** ISO-8601 (an instant, a date-time with or without offset, taken as UTC without, or a date) or epoch seconds. */
    static final class TimeConverter implements ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            String text = value.strip();
            try {
                if (text.matches("\\d+(\\.\\d+)?")) {
                    BigDecimal seconds = new BigDecimal(text);
                    return Instant.ofEpochSecond(seconds.longValue(),
                            seconds.remainder(BigDecimal.ONE).movePointRight(9).longValue());
                }
                if (text.length() == 10) {
                    return LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC);
                }
                try {
                    return OffsetDateTime.parse(text).toInstant();
                } catch (DateTimeParseException noOffset) {
                    return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
                }
            } catch (DateTimeParseException | ArithmeticException e) {
                throw new TypeConversionException("expected ISO-8601 (2025-01-31T12:00:00Z) or epoch seconds: " + value);
            }
        }
    }
}
