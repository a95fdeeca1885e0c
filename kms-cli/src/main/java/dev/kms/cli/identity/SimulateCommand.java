package dev.kms.cli.identity;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kms.cli.KmsSession;
import dev.kms.cli.Params;
import dev.kms.core.error.KmsException;
import dev.kms.core.identity.RequestContext;
import dev.kms.core.model.KeyRef;
import dev.kms.core.policy.Decision;
import dev.kms.core.policy.KeyAccess;
import dev.kms.core.policy.PolicyEvaluation;
import dev.kms.core.policy.StatementRef;
import dev.kms.core.policy.StatementResult;
import dev.kms.core.service.KeyPolicyService;
import dev.kms.core.service.Simulation;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code kms iam simulate-principal-policy}: how requests of a principal on keys would be decided, in the
 * EvaluationResults shape of {@code aws iam simulate-principal-policy}, plus an Explanation member: the
 * decision's reason and every statement of every policy with how its principal, action, resource and
 * conditions matched. Only an account root may simulate; nothing is performed.
 */
@Command(name = "simulate-principal-policy", mixinStandardHelpOptions = true,
        description = "Explains how the key policy and the principal's identity policies decide a request.")
final class SimulateCommand extends IdentityCommand {
    private static final String RESOURCE = "resource";

    @Option(names = "--policy-source-arn", required = true,
            description = "The principal: an account root, user, role or assumed-role ARN")
    String policySourceArn;
    @Option(names = "--action-names", required = true, arity = "1..*", description = "e.g. kms:Encrypt")
    List<String> actionNames;
    @Option(names = "--resource-arns", required = true, arity = "1..*", description = "Key ARNs (or key ids, aliases)")
    List<String> resourceArns;
    @Option(names = "--context-entries", arity = "1..*", converter = ContextEntry.class,
            paramLabel = "ContextKeyName=K,ContextKeyValues=V[,V...],ContextKeyType=string",
            description = "Request context keys, e.g. ContextKeyName=kms:EncryptionContext:purpose,ContextKeyValues=test,"
                    + "ContextKeyType=string; or JSON")
    List<ObjectNode> contextEntries;

    @Override
    JsonNode run(KmsSession session, RequestContext caller) {
        Map<String, List<String>> context = new LinkedHashMap<>();
        if (contextEntries != null) {
            for (ObjectNode entry : contextEntries) {
                List<String> values = new ArrayList<>();
                entry.path("ContextKeyValues").forEach(v -> values.add(v.asText()));
                context.put(entry.path("ContextKeyName").asText(), values);
            }
        }
        ObjectNode out = object();
        ArrayNode results = out.putArray("EvaluationResults");
        Map<String, List<JsonLocation>> positions = new HashMap<>();
        for (String action : actionNames) {
            for (String resource : resourceArns) {
                KeyRef key = KeyRef.parse(resource, "resourceArns");
                Simulation simulation = session.kms().policies()
                        .simulatePrincipalPolicy(caller, policySourceArn, action, key, context);
                results.add(result(session, caller, key, action, simulation, positions));
            }
        }
        return out;
    }

    private ObjectNode result(KmsSession session, RequestContext caller, KeyRef resource, String action,
                              Simulation simulation, Map<String, List<JsonLocation>> positions) {
        Decision decision = simulation.decision();
        ObjectNode result = object();
        result.put("EvalActionName", action);
        result.put("EvalResourceName", resource.text());
        result.put("EvalDecision", switch (decision.outcome()) {
            case ALLOW -> "allowed";
            case EXPLICIT_DENY -> "explicitDeny";
            case IMPLICIT_DENY -> "implicitDeny";
        });
        ArrayNode matched = result.putArray("MatchedStatements");
        for (StatementRef ref : decision.deciding()) {
            ObjectNode statement = matched.addObject();
            statement.put("SourcePolicyId", policyId(ref.policyName()));
            statement.put("SourcePolicyType", policyType(ref.policyName()));
            List<JsonLocation> starts = positions.computeIfAbsent(ref.policyName(),
                    name -> statementStarts(document(session, caller, resource, name)));
            if (ref.index() < starts.size()) {
                statement.putObject("StartPosition")
                        .put("Line", starts.get(ref.index()).getLineNr())
                        .put("Column", starts.get(ref.index()).getColumnNr());
            }
        }
        simulation.missingContextValues().forEach(result.putArray("MissingContextValues")::add);
        result.set("Explanation", explanation(simulation));
        return result;
    }

    private static ObjectNode explanation(Simulation simulation) {
        Decision decision = simulation.decision();
        ObjectNode explanation = object();
        explanation.put("Principal", simulation.request().principalArn());
        explanation.put("Reason", decision.reason());
        ObjectNode context = explanation.putObject("RequestContext");
        simulation.request().context().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> e.getValue().forEach(context.withArray(e.getKey())::add));
        ArrayNode policies = explanation.putArray("Policies");
        for (PolicyEvaluation evaluation : decision.evaluations()) {
            ObjectNode policy = policies.addObject();
            policy.put("SourcePolicyId", policyId(evaluation.policyName()));
            policy.put("SourcePolicyType", policyType(evaluation.policyName()));
            policy.put("Name", evaluation.policyName());
            ArrayNode statements = policy.putArray("Statements");
            for (StatementResult s : evaluation.statements()) {
                ObjectNode statement = statements.addObject();
                statement.put("Index", s.ref().index());
                if (s.ref().sid() != null) {
                    statement.put("Sid", s.ref().sid());
                }
                statement.put("Effect", s.effect().name());
                statement.put("PrincipalMatch", s.principal().name());
                statement.put("ActionMatched", s.actionMatched());
                statement.put("ResourceMatched", s.resourceMatched());
                ArrayNode conditions = statement.putArray("Conditions");
                for (StatementResult.ConditionResult c : s.conditions()) {
                    ObjectNode condition = conditions.addObject();
                    condition.put("Operator", c.condition().operatorName());
                    condition.put("Key", c.condition().key());
                    c.condition().values().forEach(condition.putArray("Values")::add);
                    simulation.request().values(c.condition().key()).forEach(condition.putArray("RequestValues")::add);
                    condition.put("Matched", c.matched());
                }
                statement.put("Applies", s.applies());
                statement.put("Decides", decision.deciding().contains(s.ref()));
            }
        }
        return explanation;
    }

    /** IAM's SourcePolicyId: the inline policy's name; the key policy's name is "default". */
    private static String policyId(String policyName) {
        int colon = policyName.indexOf(": ");
        return policyName.equals(KeyAccess.KEY_POLICY) ? KeyPolicyService.POLICY_NAME
                : colon < 0 ? policyName : policyName.substring(colon + 2);
    }

    /** IAM's SourcePolicyType: resource for the key policy, user or role for inline identity policies. */
    private static String policyType(String policyName) {
        if (policyName.equals(KeyAccess.KEY_POLICY)) {
            return RESOURCE;
        }
        return policyName.startsWith("role/") ? "role" : "user";
    }

    /** The text of a policy the caller may read, to locate statements; null when it cannot be read. */
    private static String document(KmsSession session, RequestContext caller, KeyRef resource, String policyName) {
        try {
            if (policyName.equals(KeyAccess.KEY_POLICY)) {
                return session.kms().policies().getKeyPolicy(caller, resource, null);
            }
            int slash = policyName.indexOf('/');
            int colon = policyName.indexOf(": ");
            if (slash < 0 || colon < slash) {
                return null;
            }
            String owner = policyName.substring(slash + 1, colon);
            String name = policyName.substring(colon + 2);
            return policyName.startsWith("role/")
                    ? session.identity().iam().getRolePolicy(caller, owner, name).document()
                    : session.identity().iam().getUserPolicy(caller, owner, name).document();
        } catch (KmsException e) {
            return null;
        }
    }

    /** Where each statement of a JSON policy document starts (1-based line and column), in statement order. */
    static List<JsonLocation> statementStarts(String document) {
        List<JsonLocation> starts = new ArrayList<>();
        if (document == null) {
            return starts;
        }
        try (JsonParser parser = new JsonFactory().createParser(document)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return starts;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (!field.equals("Statement")) {
                    parser.skipChildren();
                } else if (value == JsonToken.START_OBJECT) {
                    starts.add(parser.currentTokenLocation());
                    parser.skipChildren();
                } else if (value == JsonToken.START_ARRAY) {
                    while (parser.nextToken() == JsonToken.START_OBJECT) {
                        starts.add(parser.currentTokenLocation());
                        parser.skipChildren();
                    }
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return starts;
    }

    /**
     * One --context-entries value: {@code ContextKeyName=K,ContextKeyValues=V1,V2,ContextKeyType=string} (values
     * run until the next member) or a JSON object, inline or file://PATH.
     */
    static final class ContextEntry implements ITypeConverter<ObjectNode> {
        @Override
        public ObjectNode convert(String value) {
            String text = Params.text(value).strip();
            ObjectNode entry;
            if (text.startsWith("{")) {
                try {
                    entry = (ObjectNode) Params.MAPPER.readTree(text);
                } catch (IOException | ClassCastException e) {
                    throw new TypeConversionException("expected a JSON object {\"ContextKeyName\": ..., \"ContextKeyValues\": [...]}");
                }
                if (entry.path("ContextKeyValues").isTextual()) {
                    entry.putArray("ContextKeyValues").add(entry.get("ContextKeyValues").asText());
                }
            } else {
                entry = object();
                String member = null;
                for (String part : text.split(",")) {
                    int eq = part.indexOf('=');
                    String name = eq < 0 ? null : part.substring(0, eq).strip();
                    if (name != null && (name.equals("ContextKeyName") || name.equals("ContextKeyValues")
                            || name.equals("ContextKeyType"))) {
                        member = name;
                        part = part.substring(eq + 1);
                    } else if (!"ContextKeyValues".equals(member)) {
                        throw new TypeConversionException("expected ContextKeyName=K,ContextKeyValues=V[,V...],ContextKeyType=T");
                    }
                    if (member.equals("ContextKeyValues")) {
                        entry.withArray("ContextKeyValues").add(part);
                    } else {
                        entry.put(member, part);
                    }
                }
            }
            if (!entry.path("ContextKeyName").isTextual() || !entry.path("ContextKeyValues").isArray()) {
                throw new TypeConversionException("a context entry needs ContextKeyName and ContextKeyValues");
            }
            return entry;
        }
    }
}
