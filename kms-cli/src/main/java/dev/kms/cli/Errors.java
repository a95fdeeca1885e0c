package dev.kms.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kms.api.KmsJsonApi;
import dev.kms.cli.remote.RemoteServiceException;
import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.node.NodeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place that turns failures into exit codes and stderr text. Service errors print the AWS error
 * body {@code {"__type": "...", "message": "..."}} and exit 1; usage errors print picocli's message and
 * exit 2; anything unexpected is reported as KMSInternalException (exit 1), its stack trace only in the
 * debug log. Nothing here ever writes to stdout.
 */
public final class Errors implements IExecutionExceptionHandler, IParameterExceptionHandler {
    public static final int SERVICE_ERROR = 1;
    static final int USAGE_ERROR = 2;
    private static final Logger LOG = LoggerFactory.getLogger(Errors.class);

    @Override
    public int handleExecutionException(Exception ex, CommandLine command, ParseResult parseResult) {
        PrintWriter err = command.getErr();
        if (ex instanceof KmsException kms) {
            LOG.debug("{} failed", command.getCommandName(), kms);
            err.println(line(KmsJsonApi.errorBody(kms)));
            err.flush();
            return kms.code().exitCode();
        } else if (ex instanceof RemoteServiceException remote) {
            LOG.debug("{} failed on the server", command.getCommandName(), remote);
            err.println(line(remote.body()));
        } else if (ex instanceof NodeException cli) {
            LOG.debug("{} failed", command.getCommandName(), cli);
            err.println("kms: " + cli.getMessage());
        } else {
            LOG.debug("{} failed unexpectedly", command.getCommandName(), ex);
            String detail = ex.getMessage() == null ? ex.getClass().getSimpleName()
                    : ex.getClass().getSimpleName() + ": " + ex.getMessage();
            err.println(line(KmsJsonApi.errorBody(new KmsException(ErrorCode.INTERNAL,
                    "kms failed unexpectedly (" + detail + "); run with --debug for details"))));
        }
        err.flush();
        return SERVICE_ERROR;
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine command = ex.getCommandLine();
        PrintWriter err = command.getErr();
        err.println("kms: error: " + message(ex));
        UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return USAGE_ERROR;
    }

    /**
     * picocli checks required options before it reports unknown ones; a mistyped flag ("--key-idd") is the
     * more useful message, so it wins.
     */
    private static String message(ParameterException ex) {
        if (ex instanceof MissingParameterException) {
            ParseResult parsed = ex.getCommandLine().getParseResult();
            if (parsed != null && !parsed.unmatched().isEmpty()) {
                return "Unknown option or argument: " + String.join(" ", parsed.unmatched());
            }
        }
        return ex.getMessage();
    }

    /** One line of JSON as Python's json.dumps writes it: {"__type": "X", "message": "..."}. */
    static String line(ObjectNode body) {
        List<String> members = new ArrayList<>();
        body.properties().forEach(e -> members.add(quote(e.getKey()) + ": " + compact(e.getValue())));
        return "{" + String.join(", ", members) + "}";
    }

    private static String quote(String text) {
        return compact(Params.NODES.textNode(text));
    }

    private static String compact(JsonNode node) {
        try {
            return Params.MAPPER.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
