package dev.kms.core.identity;

import dev.kms.core.model.Deployment;
import dev.kms.core.port.Hsm;
import dev.kms.core.port.IdentityStore;
import dev.kms.core.port.PolicyParser;
import dev.kms.core.port.ServiceKeyStore;

import java.time.Clock;

/** The identity use cases of one deployment, wired to its HSM, stores, policy parser and clock. */
public record IdentityServices(ServiceKeys serviceKeys, SecretProtector protector, IamService iam, StsService sts,
                               Authenticator authenticator) {

    /**
     * Wires the services and makes sure the deployment's account and the secrets service key exist; the
     * store usually implements both store ports.
     */
    public static IdentityServices create(Deployment deployment, Hsm hsm, IdentityStore store,
                                          ServiceKeyStore serviceKeyStore, PolicyParser parser, Clock clock) {
        ServiceKeys serviceKeys = new ServiceKeys(hsm, serviceKeyStore);
        SecretProtector protector = SecretProtector.create(hsm, serviceKeys);
        IamService iam = new IamService(deployment, store, hsm, protector, parser, clock);
        iam.ensureDeploymentAccount();
        return new IdentityServices(serviceKeys, protector, iam,
                new StsService(deployment, store, hsm, protector, parser, clock),
                new Authenticator(deployment, store, protector, parser, clock));
    }
}
