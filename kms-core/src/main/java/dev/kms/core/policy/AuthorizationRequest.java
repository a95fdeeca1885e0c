package dev.kms.core.policy;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Who asks to do what to which resource, and the request's condition keys. Context keys are stored lower
 * case, because condition key names are case-insensitive; values keep their case. When absent,
 * aws:PrincipalArn (the role ARN for a role session, as IAM sets it), aws:PrincipalAccount and
 * kms:CallerAccount are filled in from the principal.
 */
public record AuthorizationRequest(String principalArn, String principalAccount, PrincipalType principalType,
                                   String action, String resource, Map<String, List<String>> context) {

    public AuthorizationRequest {
        Objects.requireNonNull(principalArn, "principalArn");
        Objects.requireNonNull(principalType, "principalType");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(resource, "resource");
        if (principalType != PrincipalType.SERVICE && (principalAccount == null || !Arns.isAccountId(principalAccount))) {
            throw new IllegalArgumentException("principalAccount must be a 12-digit account id");
        }
        Map<String, List<String>> normalized = new HashMap<>();
        if (context != null) {
            context.forEach((k, v) -> {
                if (normalized.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)) != null) {
                    throw new IllegalArgumentException("condition key " + k + " given twice (keys are case-insensitive)");
                }
            });
        }
        if (principalType != PrincipalType.SERVICE) {
            String arn = principalType == PrincipalType.ASSUMED_ROLE ? Arns.sessionRoleArn(principalArn) : principalArn;
            normalized.putIfAbsent(ConditionKeys.PRINCIPAL_ARN.toLowerCase(Locale.ROOT), List.of(arn));
            normalized.putIfAbsent(ConditionKeys.PRINCIPAL_ACCOUNT.toLowerCase(Locale.ROOT), List.of(principalAccount));
            normalized.putIfAbsent(ConditionKeys.CALLER_ACCOUNT.toLowerCase(Locale.ROOT), List.of(principalAccount));
        }
        context = Map.copyOf(normalized);
    }

    /** A request by the principal an ARN names (or a service principal name); type and account come from the ARN. */
    public static AuthorizationRequest of(String principalArn, String action, String resource,
                                          Map<String, List<String>> context) {
        PrincipalType type = PrincipalType.of(principalArn);
        String account = type == PrincipalType.SERVICE ? null : Arns.account(principalArn);
        return new AuthorizationRequest(principalArn, account, type, action, resource, context);
    }

    /** The request's values for a condition key (any case), or an empty list when the key is absent. */
    public List<String> values(String conditionKey) {
        return context.getOrDefault(conditionKey.toLowerCase(Locale.ROOT), List.of());
    }
}
