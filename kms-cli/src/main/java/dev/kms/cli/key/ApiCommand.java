package dev.kms.cli.key;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kms.cli.KmsCli;
import dev.kms.cli.Params;
import dev.kms.core.operation.KmsOperation;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Spec;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * A command that is one AWS KMS operation: its flags are the AWS JSON request's members, and it calls the
 * operation of the table ({@link KmsOperation}) whose command it is, exactly as an HTTP client would send it.
 */
abstract class ApiCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /**
     * Puts the request members given by the flags, each named as its option (--key-id: KeyId); absent flags
     * leave members out. The pager's own options ({@link PaginatedCommand}) are not members.
     */
    void fill(ObjectNode request) {
        for (OptionSpec option : spec.options()) {
            if (option.inherited() || option.usageHelp() || option.versionHelp()
                    || PaginatedCommand.PAGING_OPTIONS.contains(option.longestName())) {
                continue;
            }
            String name = Arrays.stream(option.names()).filter(n -> !n.startsWith("--no-")).findFirst()
                    .orElse(option.longestName());
            Object value = option.getValue();
            put(request, Params.pascalCase(name.replaceFirst("^-+", "")),
                    value instanceof List<?> list ? Params.flatten(list) : value);
        }
    }

    @Override
    public Integer call() {
        ObjectNode request = Params.NODES.objectNode();
        fill(request);
        return call(operation(), request);
    }

    /** Calls one operation with an AWS JSON request and prints the response. */
    int call(String operation, ObjectNode request) {
        KmsCli cli = cli();
        return cli.print(cli.withClient(operation, request, client -> client.call(operation, request)));
    }

    /** The operation table's row whose command this is (create-key: CreateKey). */
    String operation() {
        return Arrays.stream(KmsOperation.values()).filter(op -> op.cliName().equals(spec.name())).findFirst()
                .orElseThrow(() -> new IllegalStateException(spec.name() + " is no row of the operation table"))
                .wireName();
    }

    KmsCli cli() {
        return (KmsCli) spec.root().userObject();
    }

    /** Sets {@code member} unless {@code value} is null. */
    static void put(ObjectNode request, String member, Object value) {
        if (value == null) {
            return;
        }
        if (value instanceof JsonNode node) {
            request.set(member, node);
        } else if (value instanceof Integer number) {
            request.put(member, number);
        } else if (value instanceof Boolean bool) {
            request.put(member, bool);
        } else {
            request.put(member, value.toString());
        }
    }
}
