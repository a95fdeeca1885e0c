package dev.kms.core.ciphertext;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.model.MaterialId;
import dev.kms.core.port.Hsm.AeadCiphertext;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The ciphertext blob of version 1, as specified in docs/ciphertext-format.md. The header names the
 * region, account, key and material; GCM authenticates it together with the encryption context.
 */
public record CiphertextBlob(String region, String accountId, UUID keyId, MaterialId materialId,
                             AeadCiphertext sealed) {
    public static final byte VERSION_1 = 1;
    public static final int MAX_LENGTH = 6144;
    private static final int ACCOUNT_LENGTH = 12;
    private static final int MAX_REGION_LENGTH = 63;
    /** One message for every way a blob can be bad, so the error reveals nothing about keys. */
    static final String INVALID_MESSAGE =
            "The ciphertext is invalid, was not produced under this region and account, or its encryption context does not match.";

    public static KmsException invalid() {
        return new KmsException(ErrorCode.INVALID_CIPHERTEXT, INVALID_MESSAGE);
    }

    /** The header bytes: everything before the IV (format section "Layout"). */
    public byte[] header() {
        return header(region, accountId, keyId, materialId);
    }

    /** The header of a blob that will carry these fields. */
    public static byte[] header(String region, String accountId, UUID keyId, MaterialId materialId) {
        byte[] regionBytes = region.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer buf = ByteBuffer.allocate(headerLength(regionBytes.length));
        buf.put(VERSION_1).put((byte) regionBytes.length).put(regionBytes)
                .put(accountId.getBytes(StandardCharsets.US_ASCII))
                .putLong(keyId.getMostSignificantBits()).putLong(keyId.getLeastSignificantBits())
                .put(materialId.bytes());
        return buf.array();
    }

    /** What GCM authenticates besides the ciphertext: the header followed by the serialized context. */
    public static byte[] associatedData(byte[] header, EncryptionContext context) {
        byte[] ctx = context.serialize();
        byte[] aad = new byte[header.length + ctx.length];
        System.arraycopy(header, 0, aad, 0, header.length);
        System.arraycopy(ctx, 0, aad, header.length, ctx.length);
        return aad;
    }

    public byte[] encode() {
        return encode(header(), sealed);
    }

    /** The blob of a header already built for the AAD and the HSM's output, without building the header again. */
    public static byte[] encode(byte[] header, AeadCiphertext sealed) {
        return ByteBuffer.allocate(header.length + sealed.iv().length + sealed.ciphertextAndTag().length)
                .put(header).put(sealed.iv()).put(sealed.ciphertextAndTag()).array();
    }

    /** Parses a blob; any structural problem is InvalidCiphertextException. */
    public static CiphertextBlob decode(byte[] blob) {
        if (blob == null || blob.length > MAX_LENGTH || blob.length < 2 || blob[0] != VERSION_1) {
            throw invalid();
        }
        int regionLength = blob[1] & 0xFF;
        int fixed = headerLength(regionLength) + AeadCiphertext.IV_LENGTH + AeadCiphertext.TAG_LENGTH;
        if (regionLength == 0 || regionLength > MAX_REGION_LENGTH || blob.length <= fixed) {
            throw invalid();
        }
        ByteBuffer buf = ByteBuffer.wrap(blob, 2, blob.length - 2);
        String region = ascii(buf, regionLength);
        String account = ascii(buf, ACCOUNT_LENGTH);
        UUID keyId = new UUID(buf.getLong(), buf.getLong());
        byte[] material = new byte[MaterialId.LENGTH];
        buf.get(material);
        byte[] iv = new byte[AeadCiphertext.IV_LENGTH];
        buf.get(iv);
        byte[] rest = new byte[buf.remaining()];
        buf.get(rest);
        return new CiphertextBlob(region, account, keyId, MaterialId.fromBytes(material), new AeadCiphertext(iv, rest));
    }

    private static String ascii(ByteBuffer buf, int length) {
        byte[] bytes = new byte[length];
        buf.get(bytes);
        for (byte b : bytes) {
            if (b < 0x21 || b > 0x7E) {
                throw invalid();
            }
        }
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    private static int headerLength(int regionLength) {
        return 2 + regionLength + ACCOUNT_LENGTH + 16 + MaterialId.LENGTH;
    }
}
