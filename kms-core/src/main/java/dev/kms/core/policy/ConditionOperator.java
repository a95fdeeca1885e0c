package dev.kms.core.policy;

import java.util.Locale;

/**
 * The condition operators of the IAM policy language this service supports. A negated operator
 * ({@link #negated()}) holds when its positive counterpart matches none of the policy values.
 */
public enum ConditionOperator {
    StringEquals(Family.STRING, Comparison.EQ, false),
    StringNotEquals(Family.STRING, Comparison.EQ, true),
    StringEqualsIgnoreCase(Family.STRING_IGNORE_CASE, Comparison.EQ, false),
    StringNotEqualsIgnoreCase(Family.STRING_IGNORE_CASE, Comparison.EQ, true),
    StringLike(Family.STRING_LIKE, Comparison.EQ, false),
    StringNotLike(Family.STRING_LIKE, Comparison.EQ, true),
    ArnEquals(Family.ARN, Comparison.EQ, false),
    ArnLike(Family.ARN, Comparison.EQ, false),
    ArnNotEquals(Family.ARN, Comparison.EQ, true),
    ArnNotLike(Family.ARN, Comparison.EQ, true),
    NumericEquals(Family.NUMERIC, Comparison.EQ, false),
    NumericNotEquals(Family.NUMERIC, Comparison.EQ, true),
    NumericLessThan(Family.NUMERIC, Comparison.LT, false),
    NumericLessThanEquals(Family.NUMERIC, Comparison.LE, false),
    NumericGreaterThan(Family.NUMERIC, Comparison.GT, false),
    NumericGreaterThanEquals(Family.NUMERIC, Comparison.GE, false),
    DateEquals(Family.DATE, Comparison.EQ, false),
    DateNotEquals(Family.DATE, Comparison.EQ, true),
    DateLessThan(Family.DATE, Comparison.LT, false),
    DateLessThanEquals(Family.DATE, Comparison.LE, false),
    DateGreaterThan(Family.DATE, Comparison.GT, false),
    DateGreaterThanEquals(Family.DATE, Comparison.GE, false),
    Bool(Family.BOOL, Comparison.EQ, false),
    Null(Family.NULL, Comparison.EQ, false),
    IpAddress(Family.IP, Comparison.EQ, false),
    NotIpAddress(Family.IP, Comparison.EQ, true);

    private enum Family { STRING, STRING_IGNORE_CASE, STRING_LIKE, ARN, NUMERIC, DATE, BOOL, NULL, IP }

    private enum Comparison { EQ, LT, LE, GT, GE }

    private final Family family;
    private final Comparison comparison;
    private final boolean negated;

    ConditionOperator(Family family, Comparison comparison, boolean negated) {
        this.family = family;
        this.comparison = comparison;
        this.negated = negated;
    }

    /** True for the Not... operators, which hold on a missing key unless qualified (IAM semantics). */
    public boolean negated() {
        return negated;
    }

    /** Why a policy value is unusable with this operator, or null when it is fine. */
    String checkPolicyValue(String value) {
        return switch (family) {
            case NUMERIC -> ConditionValues.number(value) == null ? "'" + value + "' is not a number" : null;
            case DATE -> ConditionValues.instant(value) == null
                    ? "'" + value + "' is not an ISO-8601 date or epoch seconds" : null;
            case BOOL, NULL -> value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")
                    ? null : "'" + value + "' is not true or false";
            case IP -> ConditionValues.cidr(value) == null ? "'" + value + "' is not an IPv4 or IPv6 address or CIDR" : null;
            case ARN -> value.equals("*") || value.startsWith("arn:") ? null : "'" + value + "' is not an ARN";
            default -> null;
        };
    }

    /** Whether one request value matches one policy value under the positive form of this operator. */
    boolean positiveMatch(String requestValue, String policyValue) {
        return switch (family) {
            case STRING -> requestValue.equals(policyValue);
            case STRING_IGNORE_CASE -> requestValue.toLowerCase(Locale.ROOT).equals(policyValue.toLowerCase(Locale.ROOT));
            case STRING_LIKE -> Wildcards.matches(policyValue, requestValue, false);
            case ARN -> arnMatch(requestValue, policyValue);
            case NUMERIC -> compare(ConditionValues.number(requestValue), ConditionValues.number(policyValue));
            case DATE -> compare(ConditionValues.instant(requestValue), ConditionValues.instant(policyValue));
            case BOOL -> requestValue.equalsIgnoreCase(policyValue);
            case IP -> {
                ConditionValues.Cidr cidr = ConditionValues.cidr(policyValue);
                yield cidr != null && cidr.contains(requestValue);
            }
            case NULL -> throw new IllegalStateException("Null is evaluated on presence, not on values");
        };
    }

    private <T extends Comparable<T>> boolean compare(T request, T policy) {
        if (request == null || policy == null) {
            return false;
        }
        int c = request.compareTo(policy);
        return switch (comparison) {
            case EQ -> c == 0;
            case LT -> c < 0;
            case LE -> c <= 0;
            case GT -> c > 0;
            case GE -> c >= 0;
        };
    }

    /** IAM compares ARNs component by component, each with wildcards; ArnEquals and ArnLike behave alike. */
    private static boolean arnMatch(String requestValue, String policyValue) {
        if (policyValue.equals("*")) {
            return true;
        }
        String[] request = requestValue.split(":", 6);
        String[] policy = policyValue.split(":", 6);
        if (request.length != 6 || policy.length != 6) {
            return false;
        }
        for (int i = 0; i < 6; i++) {
            if (!Wildcards.matches(policy[i], request[i], false)) {
                return false;
            }
        }
        return true;
    }
}
