package dev.kms.envelope;

import com.amazonaws.encryptionsdk.model.CiphertextHeaders;
import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;

/**
 * Checks that each frame's sequence number is the frame's place in the message (1, 2, ...), as the message format
 * defines it. The SDK for Java reads the field and authenticates each frame under the number it counts itself,
 * but never compares the two, so an altered sequence number would pass unnoticed in a message without a
 * signature. Fed the message's bytes as they stream past, starting with the chunk in which the header ended.
 */
final class FrameSequence {
    private static final int FINAL_FRAME_MARKER = 0xFFFFFFFF;
    private static final int FIELDS = 8; // a regular frame's sequence number, or the final marker and its number

    private final long regularFrameBytes;
    private long nextFrame;
    private int expected = 1;
    private final byte[] fields = new byte[FIELDS];
    private int have;
    private boolean done;

    /** For a message whose header, now parsed, takes its first {@code headerLength} bytes. */
    FrameSequence(CiphertextHeaders headers) {
        var suite = headers.getCryptoAlgoId();
        this.regularFrameBytes = 4L + suite.getNonceLen() + headers.getFrameLength() + suite.getTagLen();
        this.nextFrame = headers.toByteArray().length;
    }

    /** Checks the frame fields within {@code chunk[0, length)}, which holds the message's bytes from {@code start}. */
    void check(byte[] chunk, int length, long start) {
        long end = start + length;
        while (!done && nextFrame + have < end) {
            long at = nextFrame + have;
            if (at < start) {
                throw new IllegalStateException("the frame fields must be fed in order");
            }
            fields[have++] = chunk[(int) (at - start)];
            if (have == 4 && intAt(0) != FINAL_FRAME_MARKER) {
                require(intAt(0));
                nextFrame += regularFrameBytes;
                have = 0;
            } else if (have == FIELDS) {
                require(intAt(4));
                done = true;
            }
        }
    }

    private void require(int sequenceNumber) {
        if (sequenceNumber != expected) {
            throw new KmsException(ErrorCode.INVALID_CIPHERTEXT, "The input is not a valid AWS Encryption SDK "
                    + "message: frame " + expected + " has the sequence number " + Integer.toUnsignedString(sequenceNumber));
        }
        expected++;
    }

    private int intAt(int offset) {
        return (fields[offset] & 0xff) << 24 | (fields[offset + 1] & 0xff) << 16 | (fields[offset + 2] & 0xff) << 8
                | (fields[offset + 3] & 0xff);
    }
}
