package dev.kms.core.service;

import dev.kms.core.fake.InMemoryHsm;
import dev.kms.core.fake.InMemoryMetadataStore;
import dev.kms.core.model.MaterialId;
import dev.kms.core.port.Hsm;
import dev.kms.core.port.MetadataStore;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The key service scenarios on the in-memory fakes: fast feedback on the domain rules. */
class InMemoryKmsScenariosTest extends KmsScenarios {
    @Override
    protected Hsm newHsm() {
        return new InMemoryHsm();
    }

    @Override
    protected MetadataStore newStore() {
        return new InMemoryMetadataStore();
    }

    @Test
    void reconcile_reportsHalfWrittenObjectsApart_andDestroysThemOnlyWhenAsked() {
        newKey();
        Hsm.TokenObject unreadable = new Hsm.TokenObject(null, null);
        Hsm.TokenObject defaults = new Hsm.TokenObject(MaterialId.random(), "kms/interrupted/1");
        ((InMemoryHsm) hsm).addHalfWrittenObject(unreadable);
        ((InMemoryHsm) hsm).addHalfWrittenObject(defaults);

        var report = kms.maintenance().reconcile(true, false);
        assertEquals(List.of(unreadable, defaults), report.incomplete());
        assertEquals(0, report.incompleteDestroyed());
        assertEquals(List.of(), report.orphans(), "half-written objects are not orphans");
        assertEquals(0, report.foreignObjects(), "nor foreign");
        assertEquals(List.of(), report.missing());

        assertEquals(2, kms.maintenance().reconcile(false, true).incompleteDestroyed());
        assertEquals(List.of(), kms.maintenance().reconcile(false, false).incomplete());
    }
}
