package dev.kms.core.identity;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.policy.PrincipalType;

/**
 * How an integrated service calls on a user's behalf: both have authenticated (the user with its own
 * credentials, the service with the service's), and the request is then the user's with kms:ViaService set to
 * the service's name (docs/policy-semantics.md, "Condition keys supplied with each request"). This is the only
 * way to obtain such a context, so kms:ViaService always names a service that proved who it is.
 */
public final class OnBehalfOf {
    private OnBehalfOf() {
    }

    /**
     * The user's request made through {@code service}. AccessDeniedException when {@code service} is not a
     * service principal, or {@code user} is one (a service does not call for another service).
     */
    public static RequestContext context(Principal user, Principal service, String sourceIp, String userAgent) {
        if (service.type() != PrincipalType.SERVICE) {
            throw new KmsException(ErrorCode.ACCESS_DENIED, "The credentials given for the calling service belong to "
                    + service.arn() + ", which is not a service principal; only an integrated service may call on a "
                    + "user's behalf.");
        }
        if (user.type() == PrincipalType.SERVICE) {
            throw new KmsException(ErrorCode.ACCESS_DENIED, "Service " + service.arn() + " may call only on behalf of "
                    + "a user, a role session or an account root, not of the service " + user.arn() + ".");
        }
        return RequestContext.direct(user, sourceIp, userAgent).via(service.name());
    }
}
