package dev.kms.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kms.core.identity.RequestContext;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;

/**
 * A command of the iam, sts and account groups: it calls the identity use cases directly, as the caller the
 * session authenticated (these are not operations of the KMS wire API), and prints what aws prints.
 */
abstract class IdentityCommand implements Callable<Integer> {
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'+00:00'");

    @Spec
    CommandSpec spec;

    /** The response; an empty object prints nothing. */
    abstract JsonNode run(KmsSession session, RequestContext caller);

    @Override
    public Integer call() {
        KmsCli cli = (KmsCli) spec.root().userObject();
        return cli.print(cli.withSession(session -> run(session, session.operator())));
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
