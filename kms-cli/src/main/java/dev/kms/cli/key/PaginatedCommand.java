package dev.kms.cli.key;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kms.cli.KmsCli;
import dev.kms.cli.Params;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.util.Set;

/**
 * A List* operation with the AWS CLI's two ways to page: --limit/--marker call the operation once, as
 * written; otherwise every page is fetched and joined, bounded by --max-items and resumable with
 * --starting-token.
 */
abstract class PaginatedCommand extends ApiCommand {
    /** The pager's own options, which are not members of the request. */
    static final Set<String> PAGING_OPTIONS = Set.of("--limit", "--marker", "--starting-token", "--max-items",
            "--page-size", "--no-paginate");

    @Option(names = "--limit", description = "Items in one response (one call; use with --marker)")
    Integer limit;

    @Option(names = "--marker", description = "NextMarker of a previous response (one call)")
    String marker;

    @Option(names = "--starting-token", description = "NextToken of a previous paginated output")
    String startingToken;

    @Option(names = "--max-items", description = "Items to output in total; NextToken follows if more remain")
    Integer maxItems;

    @Option(names = "--page-size", description = "Items fetched per call")
    Integer pageSize;

    @Option(names = "--no-paginate", description = "Only the first page, as the service returns it")
    boolean noPaginate;

    /** The member holding the list (Keys, Aliases, Tags, Rotations). */
    abstract String resultKey();

    /** The largest Limit the operation accepts. */
    abstract int maxPageSize();

    @Override
    public Integer call() {
        ObjectNode request = Params.NODES.objectNode();
        fill(request);
        boolean raw = limit != null || marker != null || noPaginate;
        if (raw && (startingToken != null || maxItems != null || pageSize != null)) {
            throw new ParameterException(spec.commandLine(),
                    "--limit/--marker/--no-paginate cannot be combined with --starting-token/--max-items/--page-size");
        }
        if (raw) {
            put(request, "Limit", limit);
            put(request, "Marker", marker);
            return call(operation(), request);
        }
        if (maxItems != null && maxItems < 1 || pageSize != null && pageSize < 1) {
            throw new ParameterException(spec.commandLine(), "--max-items and --page-size must be at least 1");
        }
        return callPaginated(cli(), operation(), request, resultKey(), maxPageSize(), pageSize, maxItems,
                startingToken);
    }

    /**
     * Calls a List* operation the way the AWS CLI paginates: every page (of up to {@code pageSize}) until
     * the end or {@code maxItems}, the result lists joined under {@code resultKey}; when items remain,
     * NextToken says where --starting-token resumes.
     */
    private static int callPaginated(KmsCli cli, String operation, ObjectNode request, String resultKey,
                                     int maxPageSize, Integer pageSize, Integer maxItems, String startingToken) {
        return cli.print(cli.withClient(operation, request, client -> {
            ObjectNode merged = Params.NODES.objectNode();
            ArrayNode items = merged.putArray(resultKey);
            String marker = startingToken;
            int remaining = maxItems == null ? Integer.MAX_VALUE : maxItems;
            boolean first = true;
            while (true) {
                ObjectNode page = request.deepCopy();
                Integer limit = pageSize;
                if (maxItems != null) {
                    limit = Math.min(pageSize == null ? maxPageSize : pageSize, remaining);
                }
                if (limit != null) {
                    page.put("Limit", limit);
                }
                if (marker != null) {
                    page.put("Marker", marker);
                }
                ObjectNode response = client.call(operation, page);
                JsonNode pageItems = response.path(resultKey);
                items.addAll(pageItems.isArray() ? (ArrayNode) pageItems : Params.NODES.arrayNode());
                remaining -= pageItems.size();
                if (first) {
                    response.properties().forEach(e -> {
                        if (!e.getKey().equals(resultKey) && !e.getKey().equals("NextMarker")
                                && !e.getKey().equals("Truncated")) {
                            merged.set(e.getKey(), e.getValue());
                        }
                    });
                    first = false;
                }
                String next = response.path("Truncated").asBoolean(false) ? response.path("NextMarker").textValue() : null;
                if (next == null) {
                    return merged;
                }
                if (remaining <= 0) {
                    merged.put("NextToken", next);
                    return merged;
                }
                marker = next;
            }
        }));
    }
}
