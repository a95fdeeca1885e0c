package dev.kms.core.service;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.model.Page;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/** Limit validation and opaque markers for the List* operations. */
final class Paging {
    private Paging() {
    }

    static int limit(Integer requested, int defaultLimit, int maxLimit) {
        if (requested == null) {
            return defaultLimit;
        }
        if (requested < 1 || requested > maxLimit) {
            throw KmsException.validation("limit", "Member must have value between 1 and " + maxLimit);
        }
        return requested;
    }

    /** The position a marker stands for (the sort key of the last item already returned), or null. */
    static String position(String marker) {
        if (marker == null) {
            return null;
        }
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(marker), StandardCharsets.UTF_8);
            if (decoded.startsWith("m:")) {
                return decoded.substring(2);
            }
        } catch (IllegalArgumentException e) {
            // fall through to the error below
        }
        throw new KmsException(ErrorCode.INVALID_MARKER, "Invalid marker: " + marker);
    }

    /** Builds a page from up to {@code limit + 1} fetched items; the extra one only signals more. */
    static <T> Page<T> page(List<T> fetched, int limit, Function<T, String> sortKey) {
        if (fetched.size() <= limit) {
            return new Page<>(fetched, null);
        }
        List<T> items = fetched.subList(0, limit);
        String last = sortKey.apply(items.get(limit - 1));
        return new Page<>(items, Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("m:" + last).getBytes(StandardCharsets.UTF_8)));
    }
}
