package dev.kms.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kms.core.operation.KmsOperation;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * A command that is one AWS KMS operation: it turns its flags into the AWS JSON request and calls the
 * operation of the table ({@link KmsOperation}) whose command it is, exactly as an HTTP client would send it.
 */
abstract class ApiCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** Puts the request members given by the flags; absent flags leave members out. */
    abstract void fill(ObjectNode request);

    @Override
    public Integer call() {
        ObjectNode request = Params.NODES.objectNode();
        fill(request);
        return cli().call(operation(), request);
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
