package dev.kms.core.policy;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules of the policy language (docs: kms-reference.md, "Authorization"), applied to a document
 * already read into plain Java values: {@code Map<String, ?>} for objects, {@code List<?>} for arrays,
 * {@code String}, {@code Boolean}, {@code Number} and null. Parsers of concrete syntaxes (JSON) hand their
 * tree here, so every syntax gets the same rules and the same messages, each prefixed by the path of the
 * offending element, e.g. {@code Statement[1].Condition.StringEqual: unknown operator 'StringEqual'}.
 */
public final class PolicyDocuments {
    private static final Set<String> POLICY_MEMBERS = Set.of("Version", "Id", "Statement");
    private static final Set<String> STATEMENT_MEMBERS = Set.of("Sid", "Effect", "Principal", "NotPrincipal",
            "Action", "NotAction", "Resource", "NotResource", "Condition");
    private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");
    private static final Pattern IAM_PRINCIPAL_ARN = Pattern.compile(
            "arn:[a-z0-9-]+:iam::\\d{12}:(root|user/[\\w+=,.@/-]+|role/[\\w+=,.@/-]+)"
                    + "|arn:[a-z0-9-]+:sts::\\d{12}:assumed-role/[\\w+=,.@-]+/[\\w+=,.@-]+");
    private static final Pattern SERVICE_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]*[a-z0-9]");
    private static final Pattern KMS_ACTION = Pattern.compile("(?i)kms:[a-z0-9*?]+");
    private static final Pattern IAM_ACTION = Pattern.compile("(?i)iam:[a-z0-9*?]+");
    private static final Pattern CONDITION_KEY = Pattern.compile("[A-Za-z0-9-]+:\\S+");
    private static final String ASSUME_ROLE = "sts:AssumeRole";

    private PolicyDocuments() {
    }

    /** The exception for a bad document: {@code path: problem}. */
    public static KmsException malformed(String path, String problem) {
        return new KmsException(ErrorCode.MALFORMED_POLICY_DOCUMENT, path + ": " + problem);
    }

    /** Rejects a missing document or one over the 32 KB limit, before anybody parses it. */
    public static void checkSize(String document) {
        if (document == null || document.isBlank()) {
            throw malformed("Policy document", "is empty");
        }
        if (document.length() > Policy.MAX_DOCUMENT_CHARS) {
            throw malformed("Policy document", document.length() + " characters exceeds the limit of "
                    + Policy.MAX_DOCUMENT_CHARS + " characters (32 KB)");
        }
    }

    /** Validates a document tree against the rules for {@code kind} and builds the policy. */
    public static Policy fromTree(Object tree, PolicyKind kind) {
        Map<?, ?> root = object(tree, "Policy document");
        rejectUnknown(root, POLICY_MEMBERS, "Policy document", "a policy has only Version, Id and Statement");
        String version = optionalString(root, "Version", "Version");
        if (version == null) {
            version = Policy.VERSION_2008_10_17; // IAM's default when Version is left out
        } else if (!version.equals(Policy.VERSION_2012_10_17) && !version.equals(Policy.VERSION_2008_10_17)) {
            throw malformed("Version", "must be \"2012-10-17\" or \"2008-10-17\", not \"" + version + "\"");
        }
        String id = optionalString(root, "Id", "Id");
        Object statementNode = root.get("Statement");
        List<?> statementNodes;
        if (!root.containsKey("Statement")) {
            throw malformed("Statement", "is required");
        } else if (statementNode instanceof Map<?, ?>) {
            statementNodes = List.of(statementNode);
        } else if (statementNode instanceof List<?> list) {
            statementNodes = list;
        } else {
            throw malformed("Statement", "must be an object or a list of objects");
        }
        if (statementNodes.isEmpty()) {
            throw malformed("Statement", "must hold at least one statement");
        }
        List<Statement> statements = new ArrayList<>();
        Set<String> sids = new HashSet<>();
        for (int i = 0; i < statementNodes.size(); i++) {
            String path = "Statement[" + i + "]";
            Statement statement = statement(object(statementNodes.get(i), path), path, kind);
            if (statement.sid() != null && !statement.sid().isEmpty() && !sids.add(statement.sid())) {
                throw malformed(path + ".Sid", "'" + statement.sid() + "' is used by an earlier statement; Sids must be unique");
            }
            statements.add(statement);
        }
        return new Policy(version, id, statements);
    }

    private static Statement statement(Map<?, ?> node, String path, PolicyKind kind) {
        rejectUnknown(node, STATEMENT_MEMBERS, path, "a statement has only Sid, Effect, Principal, NotPrincipal, "
                + "Action, NotAction, Resource, NotResource and Condition");
        String sid = optionalString(node, "Sid", path + ".Sid");
        Object effectNode = node.get("Effect");
        if (effectNode == null) {
            throw malformed(path, "Effect is required and must be Allow or Deny");
        }
        Effect effect;
        if ("Allow".equals(effectNode)) {
            effect = Effect.Allow;
        } else if ("Deny".equals(effectNode)) {
            effect = Effect.Deny;
        } else {
            throw malformed(path, "Effect must be Allow or Deny, not " + describe(effectNode));
        }
        PrincipalSpec principal = principal(node, path, kind);
        Patterns actions = patterns(node, "Action", "NotAction", path, true);
        for (String action : actions.values()) {
            checkAction(action, path + (actions.negated() ? ".NotAction" : ".Action"), kind);
        }
        Patterns resources = patterns(node, "Resource", "NotResource", path, kind == PolicyKind.IDENTITY);
        if (resources != null) {
            if (kind == PolicyKind.TRUST) {
                throw malformed(path, (resources.negated() ? "NotResource" : "Resource")
                        + " is not allowed in a trust policy; the resource is the role");
            }
            for (String resource : resources.values()) {
                if (!resource.equals("*") && !resource.startsWith("arn:")) {
                    throw malformed(path + (resources.negated() ? ".NotResource" : ".Resource"),
                            "'" + resource + "' is not * or an ARN");
                }
            }
        }
        List<Condition> conditions = node.containsKey("Condition")
                ? conditions(node.get("Condition"), path + ".Condition") : List.of();
        return new Statement(sid, effect, principal, actions, resources, conditions);
    }

    private static PrincipalSpec principal(Map<?, ?> node, String path, PolicyKind kind) {
        boolean hasPrincipal = node.containsKey("Principal");
        boolean hasNotPrincipal = node.containsKey("NotPrincipal");
        if (hasPrincipal && hasNotPrincipal) {
            throw malformed(path, "has both Principal and NotPrincipal; use exactly one");
        }
        if (kind == PolicyKind.IDENTITY) {
            if (hasPrincipal || hasNotPrincipal) {
                throw malformed(path, (hasPrincipal ? "Principal" : "NotPrincipal")
                        + " is not allowed in an identity policy; it applies to the user or role it is attached to");
            }
            return null;
        }
        if (!hasPrincipal && !hasNotPrincipal) {
            throw malformed(path, "needs a Principal or NotPrincipal in a " + (kind == PolicyKind.KEY ? "key" : "trust")
                    + " policy");
        }
        String member = hasPrincipal ? "Principal" : "NotPrincipal";
        String memberPath = path + "." + member;
        Object value = node.get(member);
        if ("*".equals(value)) {
            return new PrincipalSpec(hasNotPrincipal, List.of("*"), List.of());
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw malformed(memberPath, "must be \"*\" or an object with AWS and/or Service, not " + describe(value));
        }
        for (Object type : map.keySet()) {
            if (!type.equals("AWS") && !type.equals("Service")) {
                throw malformed(memberPath, "unsupported principal type '" + type + "'; use AWS or Service");
            }
        }
        if (map.isEmpty()) {
            throw malformed(memberPath, "must name at least one AWS or Service principal");
        }
        List<String> aws = map.containsKey("AWS") ? strings(map.get("AWS"), memberPath + ".AWS") : List.of();
        for (String p : aws) {
            if (!p.equals("*") && !ACCOUNT_ID.matcher(p).matches() && !IAM_PRINCIPAL_ARN.matcher(p).matches()) {
                throw malformed(memberPath + ".AWS", "'" + p + "' is not \"*\", a 12-digit account id or an IAM root, "
                        + "user, role or assumed-role ARN");
            }
        }
        List<String> services = map.containsKey("Service") ? strings(map.get("Service"), memberPath + ".Service") : List.of();
        for (String s : services) {
            if (!SERVICE_NAME.matcher(s).matches()) {
                throw malformed(memberPath + ".Service", "'" + s + "' is not a service principal name such as "
                        + "cloudtrail.amazonaws.com");
            }
        }
        return new PrincipalSpec(hasNotPrincipal, aws, services);
    }

    private static void checkAction(String action, String path, PolicyKind kind) {
        if (kind == PolicyKind.TRUST) {
            if (!action.equalsIgnoreCase(ASSUME_ROLE)) {
                throw malformed(path, "'" + action + "' is not allowed in a trust policy; use " + ASSUME_ROLE);
            }
        } else if (kind == PolicyKind.IDENTITY
                && (action.equalsIgnoreCase(ASSUME_ROLE) || IAM_ACTION.matcher(action).matches())) {
            // A user or role may be granted the right to assume roles (StsService) and to manage the identities of
            // its account (IamService): both read identity policies for it.
            return;
        } else if (!action.equals("*") && !KMS_ACTION.matcher(action).matches()) {
            throw malformed(path, "'" + action + "' is not a KMS action (kms:NAME, wildcards * and ? allowed) or *"
                    + (kind == PolicyKind.IDENTITY ? ", an IAM action (iam:NAME) or " + ASSUME_ROLE : ""));
        }
    }

    private static Patterns patterns(Map<?, ?> node, String member, String notMember, String path, boolean required) {
        boolean has = node.containsKey(member);
        boolean hasNot = node.containsKey(notMember);
        if (has && hasNot) {
            throw malformed(path, "has both " + member + " and " + notMember + "; use exactly one");
        }
        if (!has && !hasNot) {
            if (required) {
                throw malformed(path, "needs " + (member.startsWith("A") ? "an " : "a ") + member + " or " + notMember);
            }
            return null;
        }
        String name = has ? member : notMember;
        return new Patterns(hasNot, strings(node.get(name), path + "." + name));
    }

    private static List<Condition> conditions(Object node, String path) {
        Map<?, ?> operators = object(node, path);
        List<Condition> conditions = new ArrayList<>();
        for (Map.Entry<?, ?> operatorEntry : operators.entrySet()) {
            String operatorName = (String) operatorEntry.getKey();
            String operatorPath = path + "." + operatorName;
            Condition.Qualifier qualifier = Condition.Qualifier.NONE;
            String rest = operatorName;
            for (Condition.Qualifier q : Condition.Qualifier.values()) {
                if (q != Condition.Qualifier.NONE && rest.startsWith(q.prefix())) {
                    qualifier = q;
                    rest = rest.substring(q.prefix().length());
                }
            }
            boolean ifExists = rest.endsWith("IfExists");
            if (ifExists) {
                rest = rest.substring(0, rest.length() - "IfExists".length());
            }
            ConditionOperator operator = operator(rest);
            if (operator == null) {
                throw malformed(operatorPath, "unknown operator '" + operatorName + "'");
            }
            if (operator == ConditionOperator.Null && (ifExists || qualifier != Condition.Qualifier.NONE)) {
                throw malformed(operatorPath, "Null takes neither ForAnyValue:/ForAllValues: nor IfExists");
            }
            Map<?, ?> keys = object(operatorEntry.getValue(), operatorPath);
            if (keys.isEmpty()) {
                throw malformed(operatorPath, "must name at least one condition key");
            }
            for (Map.Entry<?, ?> keyEntry : keys.entrySet()) {
                String key = (String) keyEntry.getKey();
                String keyPath = operatorPath + "." + key;
                if (!CONDITION_KEY.matcher(key).matches()) {
                    throw malformed(keyPath, "'" + key + "' is not a condition key (prefix:name, e.g. kms:ViaService)");
                }
                List<String> values = conditionValues(keyEntry.getValue(), keyPath);
                for (String value : values) {
                    String problem = operator.checkPolicyValue(value);
                    if (problem != null) {
                        throw malformed(keyPath, problem + " (operator " + operator.name() + ")");
                    }
                }
                conditions.add(new Condition(operator, qualifier, ifExists, key, values));
            }
        }
        return conditions;
    }

    private static ConditionOperator operator(String name) {
        for (ConditionOperator operator : ConditionOperator.values()) {
            if (operator.name().equals(name)) {
                return operator;
            }
        }
        return null;
    }

    /** Condition values may be JSON strings, numbers or booleans (IAM accepts {@code "aws:SecureTransport": false}). */
    private static List<String> conditionValues(Object node, String path) {
        List<?> items = node instanceof List<?> list ? list : Collections.singletonList(node);
        if (items.isEmpty()) {
            throw malformed(path, "must have at least one value");
        }
        List<String> values = new ArrayList<>(items.size());
        for (Object item : items) {
            if (item instanceof String s) {
                values.add(s);
            } else if (item instanceof Boolean b) {
                values.add(b.toString());
            } else if (item instanceof BigDecimal d) {
                values.add(d.toPlainString());
            } else if (item instanceof Number n) {
                values.add(n.toString());
            } else {
                throw malformed(path, "values must be strings, numbers or booleans, not " + describe(item));
            }
        }
        return values;
    }

    private static List<String> strings(Object node, String path) {
        if (node instanceof String s) {
            return List.of(s);
        }
        if (!(node instanceof List<?> list)) {
            throw malformed(path, "must be a string or a list of strings, not " + describe(node));
        }
        if (list.isEmpty()) {
            throw malformed(path, "must not be an empty list");
        }
        List<String> values = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof String s)) {
                throw malformed(path + "[" + i + "]", "must be a string, not " + describe(list.get(i)));
            }
            values.add(s);
        }
        return values;
    }

    private static Map<?, ?> object(Object node, String path) {
        if (node instanceof Map<?, ?> map) {
            return map;
        }
        throw malformed(path, "must be an object, not " + describe(node));
    }

    private static String optionalString(Map<?, ?> node, String member, String path) {
        if (!node.containsKey(member)) {
            return null;
        }
        Object value = node.get(member);
        if (value instanceof String s) {
            return s;
        }
        throw malformed(path, "must be a string, not " + describe(value));
    }

    private static void rejectUnknown(Map<?, ?> node, Set<String> known, String path, String hint) {
        for (Object member : node.keySet()) {
            if (!known.contains(member)) {
                throw malformed(path, "unknown member '" + member + "'; " + hint);
            }
        }
    }

    private static String describe(Object node) {
        if (node == null) {
            return "null";
        }
        if (node instanceof String s) {
            return "'" + s + "'";
        }
        if (node instanceof Map<?, ?>) {
            return "an object";
        }
        if (node instanceof List<?>) {
            return "a list";
        }
        if (node instanceof Boolean) {
            return "a boolean";
        }
        return "a number";
    }
}
