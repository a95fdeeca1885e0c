package dev.kms.core.fake;

import dev.kms.core.port.Hsm;
import dev.kms.core.port.HsmContract;

class InMemoryHsmContractTest extends HsmContract {
    @Override
    protected Hsm newHsm() {
        return new InMemoryHsm();
    }
}
