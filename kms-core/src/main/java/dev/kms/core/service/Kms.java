package dev.kms.core.service;

import dev.kms.core.model.Deployment;
import dev.kms.core.port.Hsm;
import dev.kms.core.port.MetadataStore;
import dev.kms.core.port.PolicyParser;

import java.time.Clock;

/** The use cases of one deployment, wired to its HSM, metadata store, policy parser, principals and clock. */
public record Kms(Deployment deployment, KeyService keys, AliasService aliases, CryptoService crypto,
                  RotationService rotation, KeyPolicyService policies, MaintenanceService maintenance) {

    public static Kms create(Deployment deployment, Hsm hsm, MetadataStore store, PolicyParser parser,
                             PrincipalDirectory principals, Clock clock) {
        KeyMaterials materials = new KeyMaterials(hsm);
        KeyAuthorizer authorizer = new KeyAuthorizer(deployment, parser, principals, clock);
        ServiceManagedKeys serviceManaged = new ServiceManagedKeys(deployment, store, materials, clock);
        KeyRepository repository = new KeyRepository(deployment, store, authorizer, serviceManaged);
        RotationService rotation = new RotationService(repository, materials, clock);
        KeyPolicyService policies = new KeyPolicyService(repository, parser);
        return new Kms(deployment,
                new KeyService(repository, materials, policies, clock),
                new AliasService(repository, clock),
                new CryptoService(repository, hsm),
                rotation,
                policies,
                new MaintenanceService(repository, rotation, materials, hsm, clock));
    }
}
