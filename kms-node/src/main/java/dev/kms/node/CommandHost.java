package dev.kms.node;

import java.util.Map;

/**
 * What a {@link ProvidedCommand} needs of the {@code kms} command line it runs under: its KMS_HOME, its environment
 * and its global options. The CLI's root command implements it.
 */
public interface CommandHost {
    /** The KMS_HOME the command works on (--home, else $KMS_HOME, else ~/.kms). */
    KmsHome kmsHome();

    /** The environment the command reads (the process environment in production). */
    Map<String, String> env();

    /** The --region option, or null. */
    String region();

    /** Refuses the options that only make sense for remote commands (--endpoint-url). */
    void requireLocal();
}
