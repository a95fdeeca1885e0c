package dev.kms.core.audit;

import dev.kms.core.error.KmsException;
import dev.kms.core.fake.InMemoryHsm;
import dev.kms.core.model.KeySpec;
import dev.kms.core.model.MaterialId;
import dev.kms.core.port.TrailSealer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;

class HsmTrailSealerTest extends TrailSealerContract {
    private final InMemoryHsm hsm = new InMemoryHsm();

    private TrailSealer sealerOverNewKey(String keyId) {
        MaterialId key = MaterialId.random();
        hsm.generateKey(key, KeySpec.HMAC_256, keyId);
        return new HsmTrailSealer(hsm, key, keyId);
    }

    @Override
    protected TrailSealer newSealer() {
        return sealerOverNewKey("audit-seal-1");
    }

    @Override
    protected TrailSealer otherSealer() {
        return sealerOverNewKey("audit-seal-2");
    }

    @Test
    void seal_withAKeyThatIsNotAnHmacKey_fails() {
        MaterialId aes = MaterialId.random();
        hsm.generateKey(aes, KeySpec.SYMMETRIC_DEFAULT, "aes");
        assertThrows(KmsException.class, () -> new HsmTrailSealer(hsm, aes, "aes").seal(sha256("a")));
    }
}
