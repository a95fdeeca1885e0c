package dev.kms.envelope;

import com.amazonaws.encryptionsdk.model.CiphertextHeaders;

/**
 * How many bytes to read next so that each read of a message ends where a regular frame ends, holding as many whole
 * frames as the buffer takes. The SDK's decryption copies the unfinished frame it was left with into every
 * following call and keeps the rest of a call's bytes in a fresh copy: fed whole frames, it has neither to do.
 * Reads past the last regular frame (the final frame, a signature) just fill the buffer; the SDK parses them as
 * they come.
 */
final class FrameAlignment {
    private final long headerLength;
    private final long frameBytes;
    private final int bufferLength;

    /** For a message whose header has been parsed, read into a buffer of {@code bufferLength} bytes. */
    FrameAlignment(CiphertextHeaders headers, int bufferLength) {
        var suite = headers.getCryptoAlgoId();
        this.headerLength = headers.toByteArray().length;
        this.frameBytes = 4L + suite.getNonceLen() + headers.getFrameLength() + suite.getTagLen();
        this.bufferLength = bufferLength;
    }

    /** The length of the next read, 1 to the buffer's length, after the first {@code read} bytes of the message. */
    int next(long read) {
        long toFrameEnd = frameBytes - (read - headerLength) % frameBytes;
        if (toFrameEnd > bufferLength) {
            return bufferLength;
        }
        return (int) (toFrameEnd + (bufferLength - toFrameEnd) / frameBytes * frameBytes);
    }
}
