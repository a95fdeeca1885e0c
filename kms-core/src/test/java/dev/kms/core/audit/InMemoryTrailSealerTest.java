package dev.kms.core.audit;

import dev.kms.core.fake.InMemoryTrailSealer;
import dev.kms.core.port.TrailSealer;

class InMemoryTrailSealerTest extends TrailSealerContract {
    @Override
    protected TrailSealer newSealer() {
        return InMemoryTrailSealer.random("trail-seal-1");
    }

    @Override
    protected TrailSealer otherSealer() {
        return InMemoryTrailSealer.random("trail-seal-2");
    }
}
