package dev.kms.cli.identity;

import dev.kms.cli.KmsCli;
import dev.kms.cli.Params;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * A command that is one action of the IAM or STS Query API ({@link dev.kms.api.IdentityApi}): the action is the
 * command's name in PascalCase (create-access-key: CreateAccessKey) of the command group's service, and its
 * parameters are the options given, named as the action's ({@code --user-name}: UserName). It runs on KMS_HOME's
 * service, or with --endpoint-url on a server in the Query protocol, and prints what aws prints either way
 * ({@link IdentityOutput}).
 */
class IdentityApiCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        KmsCli cli = (KmsCli) spec.root().userObject();
        return cli.print(IdentityOutput.present(cli.callIdentity(spec.parent().name(),
                Params.pascalCase(spec.name()), parameters())));
    }

    private Map<String, String> parameters() {
        Map<String, String> parameters = new LinkedHashMap<>();
        IdentityCommand.requestParameters(spec).forEach((name, value) -> parameters.put(name, String.valueOf(value)));
        return parameters;
    }
}
