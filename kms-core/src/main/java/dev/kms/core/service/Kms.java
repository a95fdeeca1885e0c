package dev.kms.core.service;

import dev.kms.core.model.Deployment;
import dev.kms.core.port.Hsm;
import dev.kms.core.port.MetadataStore;

import java.time.Clock;

/** The use cases of one deployment, wired to its HSM, metadata store and clock. */
public record Kms(Deployment deployment, KeyService keys, AliasService aliases, CryptoService crypto,
                  RotationService rotation, MaintenanceService maintenance) {

    public static Kms create(Deployment deployment, Hsm hsm, MetadataStore store, Clock clock) {
        KeyRepository repository = new KeyRepository(deployment, store);
        KeyMaterials materials = new KeyMaterials(hsm);
        RotationService rotation = new RotationService(repository, materials, clock);
        return new Kms(deployment,
                new KeyService(repository, materials, clock),
                new AliasService(repository, clock),
                new CryptoService(repository, hsm),
                rotation,
                new MaintenanceService(repository, rotation, materials, hsm, clock));
    }
}
