package dev.kms.cli.envelope;

import com.amazonaws.encryptionsdk.CryptoAlgorithm;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kms.cli.CliException;
import dev.kms.cli.KmsCli;
import dev.kms.cli.Params;
import dev.kms.envelope.AlgorithmSuites;
import dev.kms.envelope.Envelope;
import dev.kms.envelope.RequiredContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * encrypt-file and decrypt-file: envelope encryption of files and pipes in the AWS Encryption SDK message format
 * (docs/envelope-encryption.md), with data keys from KMS_HOME or, with --endpoint-url, from a server.
 */
public final class EnvelopeCommands {
    static final String STDIO = "-";

    private EnvelopeCommands() {
    }

    /** What both commands share: IN, OUT, --overwrite, and running the envelope on the CLI's client. */
    abstract static class FileCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "IN", description = "The file to read, or - for standard input")
        String input;

        @Parameters(index = "1", paramLabel = "OUT", description = "The file to write, or - for standard output")
        String output;

        @Option(names = "--overwrite", description = "Replace OUT if it exists (by default an existing OUT is refused)")
        boolean overwrite;

        /** The work on an open input and target, with the envelope on the CLI's client. */
        abstract void run(Envelope envelope, InputStream in, OutputTarget target, Progress progress) throws IOException;

        /** Standard output of this command's result: direct, or held until everything is verified. */
        abstract OutputTarget stdoutTarget(KmsCli cli) throws IOException;

        /** The KMS operation whose refusal of the caller's credentials is audited (see KmsSession.Refusal). */
        abstract String operation();

        abstract ObjectNode auditedRequest();

        @Override
        public Integer call() throws IOException {
            KmsCli cli = (KmsCli) spec.root().userObject();
            checkPaths();
            try (InputStream in = input.equals(STDIO) ? cli.stdin() : Files.newInputStream(Path.of(input));
                 OutputTarget target = output.equals(STDIO) ? stdoutTarget(cli)
                         : OutputTarget.file(Path.of(output), overwrite);
                 Progress progress = Progress.onTerminal(spec.name(), input.equals(STDIO) ? -1 : Files.size(Path.of(input)))) {
                cli.withClient(operation(), auditedRequest(), client -> {
                    try {
                        run(new Envelope(new KmsClientDataKeys(client)), in, target, progress);
                        return null;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                target.commit();
            } catch (UncheckedIOException e) {
                throw failed(e.getCause());
            } catch (FileAlreadyExistsException e) {
                throw new CliException(output + " was created by someone else during the run; nothing was written "
                        + "(give --overwrite to replace it)");
            } catch (IOException e) {
                throw failed(e);
            }
            return 0;
        }

        /** The refusals that need no key service: a missing IN, an existing OUT. */
        private void checkPaths() {
            if (!input.equals(STDIO) && !Files.isRegularFile(Path.of(input))) {
                throw new ParameterException(spec.commandLine(), "IN " + input + " is not a readable file");
            }
            if (!output.equals(STDIO)) {
                Path target = Path.of(output);
                if (Files.isDirectory(target)) {
                    throw new ParameterException(spec.commandLine(), "OUT " + output + " is a directory");
                }
                if (!overwrite && OutputTarget.exists(target)) {
                    throw new ParameterException(spec.commandLine(), "OUT " + output + " exists; give --overwrite "
                            + "to replace it");
                }
            }
        }

        private CliException failed(IOException e) {
            String reason = e instanceof NoSuchFileException ? "no such file " + e.getMessage()
                    : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new CliException(spec.name() + " failed, nothing was written to " + output + ": " + reason, e);
        }
    }

    @Command(name = "encrypt-file", mixinStandardHelpOptions = true, sortOptions = false,
            description = {
                    "Encrypts IN to OUT as one AWS Encryption SDK message (framed, with key commitment): a data key "
                            + "from GenerateDataKey under --key-id encrypts the data, and only the data key's "
                            + "ciphertext is stored in the message. The AWS Encryption SDKs and their CLI decrypt it.",
                    "OUT is written to a temporary file beside it and renamed when complete, so a failure leaves "
                            + "nothing under its name. A progress bar appears on stderr for long runs when stderr "
                            + "is a terminal."})
    public static final class EncryptFile extends FileCommand {
        @Option(names = "--key-id", required = true, description = "Key id, key ARN, alias name or alias ARN")
        String keyId;

        @Option(names = "--encryption-context", paramLabel = "k=v[,k=v...]|JSON", converter = Params.StringMap.class,
                description = "Pairs bound to the message and stored in it in plaintext; repeatable")
        List<ObjectNode> encryptionContext = List.of();

        @Option(names = "--algorithm", paramLabel = "SUITE", converter = SuiteConverter.class,
                description = "AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384 (default, signed) or "
                        + "AES_256_GCM_HKDF_SHA512_COMMIT_KEY; only suites with key commitment")
        CryptoAlgorithm algorithm = AlgorithmSuites.DEFAULT;

        @Option(names = "--frame-length", paramLabel = "BYTES",
                description = "Plaintext bytes per frame, 1 to 67108864. Default: 1048576 (the Encryption SDKs "
                        + "default to 4096, which is slower; any frame length decrypts everywhere)")
        int frameLength = Envelope.DEFAULT_FRAME_LENGTH;

        @Override
        void run(Envelope envelope, InputStream in, OutputTarget target, Progress progress) throws IOException {
            envelope.encrypt(keyId, context(), algorithm, frameLength, in, target.stream(), progress);
        }

        @Override
        OutputTarget stdoutTarget(KmsCli cli) {
            return OutputTarget.direct(cli.stdout());
        }

        @Override
        String operation() {
            return "GenerateDataKey";
        }

        @Override
        ObjectNode auditedRequest() {
            return Params.NODES.objectNode().put("KeyId", keyId);
        }

        @Override
        public Integer call() throws IOException {
            if (frameLength < 1 || frameLength > Envelope.MAX_FRAME_LENGTH) {
                throw new ParameterException(spec.commandLine(), "--frame-length must be 1 to "
                        + Envelope.MAX_FRAME_LENGTH);
            }
            for (String key : context().keySet()) {
                if (key.startsWith("aws-crypto-")) {
                    throw new ParameterException(spec.commandLine(), "--encryption-context: keys starting with "
                            + "aws-crypto- are reserved for the Encryption SDK: " + key);
                }
            }
            return super.call();
        }

        private Map<String, String> context() {
            Map<String, String> context = new LinkedHashMap<>();
            encryptionContext.forEach(node -> node.properties().forEach(e -> context.put(e.getKey(), e.getValue().asText())));
            return context;
        }
    }

    @Command(name = "decrypt-file", mixinStandardHelpOptions = true, sortOptions = false,
            description = {
                    "Decrypts the AWS Encryption SDK message in IN to OUT. The data key is decrypted by the KMS key "
                            + "the message names (Decrypt with its ARN), so the caller needs kms:Decrypt on it. "
                            + "Messages without key commitment are refused.",
                    "Everything is verified (header, every frame and their order, the end of the message, the "
                            + "signature of a signed suite) before OUT appears: a file OUT is written to a temporary "
                            + "file beside it and renamed; for - the plaintext is held in an unlinked owner-only "
                            + "file in $TMPDIR (else /tmp) and copied to standard output only after verification, "
                            + "so $TMPDIR needs room for it. A progress bar appears on stderr for long runs when "
                            + "stderr is a terminal."})
    public static final class DecryptFile extends FileCommand {
        @Option(names = "--encryption-context", paramLabel = "k=v[,k=v...]|KEY|JSON",
                description = "Required: decrypt only if the message's encryption context has these pairs (k=v) and "
                        + "keys (KEY); it may have more. Repeatable")
        List<String> encryptionContext = List.of();

        @Override
        void run(Envelope envelope, InputStream in, OutputTarget target, Progress progress) throws IOException {
            envelope.decrypt(required(), in, target.stream(), progress);
        }

        @Override
        OutputTarget stdoutTarget(KmsCli cli) throws IOException {
            String tmp = cli.env().get("TMPDIR");
            return OutputTarget.held(cli.stdout(),
                    Path.of(tmp == null || tmp.isBlank() ? System.getProperty("java.io.tmpdir") : tmp));
        }

        @Override
        String operation() {
            return "Decrypt";
        }

        @Override
        ObjectNode auditedRequest() {
            return Params.NODES.objectNode();
        }

        private RequiredContext required() {
            Map<String, String> pairs = new LinkedHashMap<>();
            Set<String> keys = new LinkedHashSet<>();
            for (String value : encryptionContext) {
                String text = value.strip();
                if (!text.startsWith("{") && !text.contains("=")) {
                    keys.add(text);
                    continue;
                }
                new Params.StringMap().convert(value).properties().forEach(e -> pairs.put(e.getKey(), e.getValue().asText()));
            }
            return RequiredContext.of(pairs, keys);
        }
    }

    /** --algorithm: a committing suite by its Encryption SDK name. */
    static final class SuiteConverter implements ITypeConverter<CryptoAlgorithm> {
        @Override
        public CryptoAlgorithm convert(String value) {
            try {
                return AlgorithmSuites.forEncryption(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
