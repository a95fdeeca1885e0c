package dev.kms.cli.identity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kms.cli.KmsCli;
import dev.kms.cli.KmsSession;
import dev.kms.cli.Params;
import dev.kms.core.identity.RequestContext;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Spec;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;

/**
 * A command of the iam and account groups that is not an action of the IAM or STS Query API (accounts, integrated
 * services, simulations; those are {@link IdentityApiCommand}s): it calls the identity use cases on KMS_HOME
 * directly, as the caller the session authenticated, and prints what aws prints. Each call
 * is audited as one event ({@link KmsSession#callIdentity}): eventSource {@code iam.amazonaws.com} or
 * {@code sts.amazonaws.com} after the command group, eventName the command's name as CloudTrail spells it
 * ({@code create-access-key}: CreateAccessKey), requestParameters the command's options
 * ({@code --user-name}: userName) as far as {@link dev.kms.core.audit.AuditParameters} allows them.
 */
abstract class IdentityCommand implements Callable<Integer> {
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'+00:00'");

    @Spec
    CommandSpec spec;

    /** The response; an empty object prints nothing. */
    abstract JsonNode run(KmsSession session, RequestContext caller);

    @Override
    public Integer call() {
        return callLocal(spec, eventSource(), eventName(), this::run);
    }

    /** {@link #callLocal(CommandSpec, String, String, BiFunction)} as the command group's event of the command. */
    static int callLocal(CommandSpec spec, BiFunction<KmsSession, RequestContext, JsonNode> run) {
        return callLocal(spec, spec.parent().name() + ".amazonaws.com", Params.pascalCase(spec.name()), run);
    }

    /**
     * Runs {@code run} on KMS_HOME's service as the session's caller, audited as event {@code eventName} of
     * {@code eventSource}, and prints the response: the identity commands that are not actions of the IAM or STS
     * Query API (accounts, integrated services, simulations).
     */
    static int callLocal(CommandSpec spec, String eventSource, String eventName,
                         BiFunction<KmsSession, RequestContext, JsonNode> run) {
        KmsCli cli = (KmsCli) spec.root().userObject();
        boolean readOnly = eventName.startsWith("Get") || eventName.startsWith("List") || eventName.startsWith("Simulate");
        Map<String, Object> parameters = requestParameters(spec);
        return cli.print(cli.withSession(KmsSession.Refusal.ofIdentityCall(eventSource, eventName, readOnly, parameters),
                session -> session.callIdentity(eventSource, eventName, readOnly, parameters,
                        () -> run.apply(session, session.operator()))));
    }

    /** The service CloudTrail would name: the command group's ({@code iam}: iam.amazonaws.com). */
    String eventSource() {
        return spec.parent().name() + ".amazonaws.com";
    }

    /** The API action as CloudTrail names it: the command's name in PascalCase. */
    String eventName() {
        return Params.pascalCase(spec.name());
    }

    /** The options given (not inherited ones such as --profile), named as on the wire: --user-name is UserName. */
    static Map<String, Object> requestParameters(CommandSpec spec) {
        Map<String, Object> members = new LinkedHashMap<>();
        for (OptionSpec option : spec.options()) {
            Object value = option.getValue();
            if (option.inherited() || option.usageHelp() || option.versionHelp() || value == null) {
                continue;
            }
            members.put(Params.pascalCase(option.longestName().replaceFirst("^-+", "")),
                    value instanceof Enum<?> e ? e.name() : value);
        }
        return members;
    }

    static ObjectNode object() {
        return Params.NODES.objectNode();
    }

    /** IAM's timestamps as the AWS CLI prints them: whole seconds, offset +00:00. */
    static String date(Instant instant) {
        return SECONDS.format(instant.truncatedTo(ChronoUnit.SECONDS).atOffset(ZoneOffset.UTC));
    }

    /** A stored policy document as aws prints it: the JSON itself, not a string. */
    static JsonNode document(String text) {
        try {
            return Params.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return Params.NODES.textNode(text);
        }
    }
}
