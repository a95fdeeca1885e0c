package dev.kms.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kms.api.IdentityApi;
import dev.kms.cli.audit.AuditCommands;
import dev.kms.cli.envelope.EnvelopeCommands;
import dev.kms.cli.hsm.HsmCommands;
import dev.kms.cli.identity.AccountCommands;
import dev.kms.cli.identity.IamCommands;
import dev.kms.cli.identity.IdentityActions;
import dev.kms.cli.identity.StsCommands;
import dev.kms.cli.key.AliasCommands;
import dev.kms.cli.key.CryptoCommands;
import dev.kms.cli.key.KeyCommands;
import dev.kms.cli.key.PolicyCommands;
import dev.kms.cli.key.RotationCommands;
import dev.kms.cli.key.TagCommands;
import dev.kms.cli.remote.HttpKmsClient;
import dev.kms.cli.remote.HttpQueryClient;
import dev.kms.cli.remote.SignedHttp;
import dev.kms.node.CommandHost;
import dev.kms.node.KmsHome;
import dev.kms.node.ProvidedCommand;
import io.burt.jmespath.Expression;
import io.burt.jmespath.JmesPathException;
import io.burt.jmespath.jackson.JacksonRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * {@code kms}: the aws kms commands, flags and output on the embedded key service, plus operator
 * commands. Exit codes: 0 success, 1 service error, 2 usage error.
 */
@Command(name = "kms", mixinStandardHelpOptions = true, versionProvider = KmsCli.Version.class,
        description = "An HSM-backed key management service with the commands and flags of `aws kms`.",
        subcommands = {
                KeyCommands.CreateKey.class, KeyCommands.DescribeKey.class, KeyCommands.ListKeys.class,
                KeyCommands.UpdateKeyDescription.class, KeyCommands.EnableKey.class, KeyCommands.DisableKey.class,
                KeyCommands.ScheduleKeyDeletion.class, KeyCommands.CancelKeyDeletion.class,
                AliasCommands.CreateAlias.class, AliasCommands.UpdateAlias.class, AliasCommands.DeleteAlias.class,
                AliasCommands.ListAliases.class,
                TagCommands.TagResource.class, TagCommands.UntagResource.class, TagCommands.ListResourceTags.class,
                CryptoCommands.Encrypt.class, CryptoCommands.Decrypt.class, CryptoCommands.ReEncrypt.class,
                CryptoCommands.GenerateDataKey.class, CryptoCommands.GenerateDataKeyWithoutPlaintext.class,
                CryptoCommands.GenerateRandom.class, CryptoCommands.GenerateMac.class, CryptoCommands.VerifyMac.class,
                RotationCommands.EnableKeyRotation.class, RotationCommands.DisableKeyRotation.class,
                RotationCommands.GetKeyRotationStatus.class, RotationCommands.RotateKeyOnDemand.class,
                RotationCommands.ListKeyRotations.class,
                PolicyCommands.GetKeyPolicy.class, PolicyCommands.PutKeyPolicy.class, PolicyCommands.ListKeyPolicies.class,
                HsmCommands.class, AuditCommands.class, AuditCommands.GetKeyLastUsage.class,
                EnvelopeCommands.EncryptFile.class, EnvelopeCommands.DecryptFile.class,
                IamCommands.class, StsCommands.class, AccountCommands.class})
public final class KmsCli implements CommandHost {
    private static final JacksonRuntime JMESPATH = new JacksonRuntime();

    @Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--home", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "KMS_HOME: config, metadata and the embedded token. Default: $KMS_HOME, else ~/.kms")
    private Path home;

    @Option(names = "--output", paramLabel = "json|text", scope = ScopeType.INHERIT,
            description = "Output format: ${COMPLETION-CANDIDATES}. Default: json")
    private Output.Format output = Output.Format.json;

    @Option(names = "--query", paramLabel = "JMESPATH", scope = ScopeType.INHERIT, converter = QueryConverter.class,
            description = "A JMESPath query applied to the response, as in the AWS CLI")
    private Expression<JsonNode> query;

    @Option(names = "--profile", paramLabel = "NAME", scope = ScopeType.INHERIT,
            description = "Act as the principal of this profile of ~/.aws/credentials or ~/.aws/config. Default: "
                    + "$AWS_ACCESS_KEY_ID/$AWS_SECRET_ACCESS_KEY[/$AWS_SESSION_TOKEN], else $AWS_PROFILE, else the "
                    + "local operator as the account root")
    private String profile;

    @Option(names = "--service-profile", paramLabel = "NAME", scope = ScopeType.INHERIT,
            description = "Call through an integrated service: the service's credentials from this profile (default: "
                    + "$KMS_SERVICE_ACCESS_KEY_ID/$KMS_SERVICE_SECRET_ACCESS_KEY), presented besides the caller's "
                    + "(--profile or $AWS_*); both must authenticate, and kms:ViaService is then the service's name")
    private String serviceProfile;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Log at debug level to stderr")
    private boolean debug;

    @Option(names = "--endpoint-url", paramLabel = "URL", scope = ScopeType.INHERIT,
            description = "Send the key, iam and sts commands to a kms server (e.g. http://127.0.0.1:4599) instead of "
                    + "KMS_HOME, signed (SigV4) with the --profile or AWS_* credentials")
    private URI endpointUrl;

    @Option(names = "--region", paramLabel = "REGION", scope = ScopeType.INHERIT,
            description = "With --endpoint-url: the server's region. Default: $AWS_REGION, else $AWS_DEFAULT_REGION. "
                    + "kms server: must be KMS_HOME's region, if given")
    private String region;

    private final Map<String, String> env;
    // The file commands' "-": raw descriptors, unbuffered, as they move large chunks of bytes.
    private InputStream stdin = new FileInputStream(FileDescriptor.in);
    private OutputStream stdout = new FileOutputStream(FileDescriptor.out);

    /** A CLI reading KMS_HOME and PIN variables from {@code env} (the process environment in production). */
    public KmsCli(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    public KmsCli() {
        this(System.getenv());
    }

    public static void main(String[] args) {
        for (String arg : args) {
            if (arg.equals("--debug")) {
                // CommandLogging reads it once, when the first logger is made: set it before that.
                System.setProperty(CommandLogging.LEVEL_PROPERTY, "DEBUG");
            }
        }
        System.exit(commandLine(new KmsCli()).execute(args));
    }

    /** The command line with the one error mapper installed; tests use it with captured streams. */
    public static CommandLine commandLine(KmsCli cli) {
        Errors errors = new Errors();
        CommandLine commandLine = new CommandLine(cli);
        IdentityActions.addTo(commandLine);
        // kms server, from kms-server when it is on the class path: the CLI does not compile against it.
        for (ProvidedCommand provided : ServiceLoader.load(ProvidedCommand.class)) {
            commandLine.addSubcommand(provided);
        }
        return commandLine
                .setExecutionExceptionHandler(errors)
                .setParameterExceptionHandler(errors)
                .setCaseInsensitiveEnumValuesAllowed(true);
    }

    /**
     * Runs {@code work} against a server when --endpoint-url is given (KMS_HOME is not opened), else against the
     * embedded service of KMS_HOME, as {@link #withSession} does; {@code operation} is the KMS operation the
     * command calls, whose event records refused credentials.
     */
    public <T> T withClient(String operation, JsonNode request, Function<KmsClient, T> work) {
        if (endpointUrl == null) {
            return withSession(KmsSession.Refusal.ofKmsCall(operation, request), work::apply);
        }
        return withRemote((credentials, userAgent) -> work.apply(new HttpKmsClient(
                new SignedHttp(endpointUrl, credentials, userAgent, Clock.systemUTC()), remoteRegion())));
    }

    /**
     * Runs one action of the IAM or STS Query API ({@code service} iam or sts): on a server in the Query protocol
     * when --endpoint-url is given, else on KMS_HOME's service as {@link #withSession} does, audited as the
     * action's event either way.
     */
    public JsonNode callIdentity(String service, String action, Map<String, String> parameters) {
        if (endpointUrl == null) {
            KmsSession.Refusal refusal = KmsSession.Refusal.ofIdentityCall(service + ".amazonaws.com", action,
                    IdentityApi.readOnly(action), Map.copyOf(parameters));
            return withSession(refusal, session -> session.callIdentity(service, action, parameters));
        }
        return withRemote((credentials, userAgent) -> new HttpQueryClient(
                new SignedHttp(endpointUrl, credentials, userAgent, Clock.systemUTC()), remoteRegion())
                .call(service, action, parameters));
    }

    /** Runs {@code work} with the caller's credentials for a server, refusing what only works on KMS_HOME. */
    private <T> T withRemote(BiFunction<Credentials, String, T> work) {
        if (serviceProfile != null || env.get(Credentials.SERVICE_ACCESS_KEY_ID) != null) {
            throw new CliException("Calling through an integrated service (--service-profile, KMS_SERVICE_*) works "
                    + "on KMS_HOME only, not with --endpoint-url");
        }
        try (Credentials credentials = Credentials.caller(profile, env)) {
            if (credentials == null) {
                throw new CliException("Unable to locate credentials. Give --profile, or set AWS_ACCESS_KEY_ID and "
                        + "AWS_SECRET_ACCESS_KEY (or AWS_PROFILE).");
            }
            return work.apply(credentials, "kms-cli/" + Version.number().replace(' ', '-'));
        }
    }

    /** The region a server is asked in: --region, else AWS_REGION, else AWS_DEFAULT_REGION, as the AWS CLI does. */
    private String remoteRegion() {
        for (String candidate : new String[] {region, env.get("AWS_REGION"), env.get("AWS_DEFAULT_REGION")}) {
            if (candidate != null && !candidate.isBlank()) {
                return candidate.strip();
            }
        }
        throw new CliException("You must specify a region: --region, or AWS_REGION.");
    }

    /** Refuses --endpoint-url for a command that only works on KMS_HOME (account, audit, hsm, server, ...). */
    @Override
    public void requireLocal() {
        if (endpointUrl != null) {
            CommandLine.ParseResult command = spec.commandLine().getParseResult();
            while (command.hasSubcommand()) {
                command = command.subcommand();
            }
            throw new CliException(command.commandSpec().qualifiedName() + " works on KMS_HOME only; --endpoint-url "
                    + "applies to the key commands (create-key, encrypt, list-keys, ...) and to the iam and sts "
                    + "commands of the AWS APIs");
        }
    }

    @Override
    public String region() {
        return region;
    }

    /** Replaces the binary standard input and output of encrypt-file and decrypt-file (for tests). */
    KmsCli withBinaryStreams(InputStream in, OutputStream out) {
        this.stdin = in;
        this.stdout = out;
        return this;
    }

    public InputStream stdin() {
        return stdin;
    }

    public OutputStream stdout() {
        return stdout;
    }

    @Override
    public Map<String, String> env() {
        return env;
    }

    /** Opens the service for one command (bootstrapping KMS_HOME on first use), runs {@code work}, closes it. */
    public <T> T withSession(Function<KmsSession, T> work) {
        return withSession(null, work);
    }

    /**
     * {@link #withSession(Function)} for a call: when the credentials are refused, the refusal is audited as the
     * call's event through {@code refusal} before the error is returned.
     */
    public <T> T withSession(KmsSession.Refusal refusal, Function<KmsSession, T> work) {
        requireLocal();
        try (KmsSession session = KmsSession.open(KmsHome.resolve(home, env), env);
             Credentials credentials = Credentials.caller(profile, env);
             Credentials service = Credentials.service(serviceProfile, env)) {
            if (service != null && credentials == null) {
                throw new CliException("An integrated service calls on a user's behalf: besides the service's "
                        + "credentials (" + service.source() + "), give the caller's with --profile, "
                        + "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE");
            }
            if (credentials != null) {
                session.actAs(credentials, service, refusal);
            }
            return work.apply(session);
        }
    }

    @Override
    public KmsHome kmsHome() {
        return KmsHome.resolve(home, env);
    }

    /** Like {@link #withSession} with the audit trail only read, not opened for writing (see KmsSession). */
    public <T> T withAuditReadingSession(Function<KmsSession, T> work) {
        requireLocal();
        try (KmsSession session = KmsSession.openForAuditReading(KmsHome.resolve(home, env), env)) {
            return work.apply(session);
        }
    }

    public int print(JsonNode response) {
        Output.print(response, output, query, spec.commandLine().getOut());
        return 0;
    }

    /** Compiles --query up front, so a bad expression is a usage error and nothing is called. */
    static final class QueryConverter implements ITypeConverter<Expression<JsonNode>> {
        @Override
        public Expression<JsonNode> convert(String value) {
            try {
                return JMESPATH.compile(value);
            } catch (JmesPathException e) {
                throw new TypeConversionException("invalid JMESPath expression: " + e.getMessage());
            }
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"kms " + number()};
        }

        static String number() {
            String version = KmsCli.class.getPackage().getImplementationVersion();
            return version == null ? "development build" : version;
        }
    }
}
