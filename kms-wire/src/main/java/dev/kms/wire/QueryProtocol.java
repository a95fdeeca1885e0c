package dev.kms.wire;

import java.util.Map;

/** AWS's Query protocol for IAM and STS: a form-encoded {@code POST /} naming Action and Version. */
public final class QueryProtocol {
    public static final String FORM_CONTENT_TYPE = "application/x-www-form-urlencoded";
    /** The API version each service speaks, as the {@code Version} parameter must name it. */
    public static final Map<String, String> VERSIONS = Map.of("iam", "2010-05-08", "sts", "2011-06-15");

    private QueryProtocol() {
    }
}
