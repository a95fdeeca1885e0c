package dev.kms.core.service;

/** The KeySpec choices of GenerateDataKey. */
public enum DataKeySpec {
    AES_256(32), AES_128(16);

    private final int bytes;

    DataKeySpec(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }
}
