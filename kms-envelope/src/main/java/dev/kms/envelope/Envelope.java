package dev.kms.envelope;

import com.amazonaws.encryptionsdk.AwsCrypto;
import com.amazonaws.encryptionsdk.CommitmentPolicy;
import com.amazonaws.encryptionsdk.CryptoAlgorithm;
import com.amazonaws.encryptionsdk.CryptoOutputStream;
import com.amazonaws.encryptionsdk.internal.DecryptionHandler;
import com.amazonaws.encryptionsdk.internal.ProcessingSummary;
import com.amazonaws.encryptionsdk.internal.SignaturePolicy;
import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * Envelope encryption of a stream in the AWS Encryption SDK message format (framed, with key commitment), through
 * the Encryption SDK for Java: a data key from the key service per message, the data encrypted with it in frames,
 * in constant memory (a chunk and a frame at a time). The commitment policy is RequireEncryptRequireDecrypt:
 * messages without key commitment are neither written nor read.
 *
 * <p>Decryption releases plaintext frame by frame, before the end of the message (the final frame, the trailing
 * signature) is verified: the caller must hold the output back until {@link #decrypt} returns (see
 * docs/envelope-encryption.md).
 */
public final class Envelope {
    /** Why 1 MiB: the SDK's 4096-byte frames measured 10 to 33% slower here (docs/benchmarks.md, "Files"). */
    public static final int DEFAULT_FRAME_LENGTH = 1 << 20;
    /** A frame is held whole in memory while it is decrypted, by this code and by any other reader. */
    public static final int MAX_FRAME_LENGTH = 64 << 20;
    /**
     * A message here carries one encrypted data key; one written elsewhere for several keyrings carries a few.
     * The bound keeps a crafted header from making this many calls to the key service.
     */
    public static final int MAX_ENCRYPTED_DATA_KEYS = 10;
    /** Bytes read from the input per step: large enough to amortize the SDK's per-call copies. */
    static final int CHUNK = 256 << 10;
    private static final String RESERVED_CONTEXT_PREFIX = "aws-crypto-";

    private final DataKeyService service;

    public Envelope(DataKeyService service) {
        this.service = Objects.requireNonNull(service, "service");
    }

    /** What a message says about itself: its suite, its encryption context and the KMS keys of its data keys. */
    public record MessageInfo(CryptoAlgorithm algorithm, Map<String, String> encryptionContext, List<String> keyArns,
                              long plaintextBytes) {
    }

    /**
     * Encrypts {@code in} to {@code out} as one message under {@code keyId}; reads {@code in} to its end and leaves
     * both streams open. {@code progress} hears the number of plaintext bytes of every chunk read.
     */
    public MessageInfo encrypt(String keyId, Map<String, String> encryptionContext, CryptoAlgorithm algorithm,
                               int frameLength, InputStream in, OutputStream out, LongConsumer progress)
            throws IOException {
        if (!algorithm.isCommitting()) {
            throw new IllegalArgumentException(algorithm + " has no key commitment");
        }
        if (frameLength < 1 || frameLength > MAX_FRAME_LENGTH) {
            throw new IllegalArgumentException("the frame length must be 1 to " + MAX_FRAME_LENGTH + " bytes");
        }
        for (String key : encryptionContext.keySet()) {
            if (key.startsWith(RESERVED_CONTEXT_PREFIX)) {
                throw new IllegalArgumentException("encryption context keys starting with " + RESERVED_CONTEXT_PREFIX
                        + " are reserved for the Encryption SDK: " + key);
            }
        }
        AwsCrypto crypto = AwsCrypto.builder().withCommitmentPolicy(CommitmentPolicy.RequireEncryptRequireDecrypt)
                .withEncryptionAlgorithm(algorithm).withEncryptionFrameSize(frameLength)
                .withMaxEncryptedDataKeys(MAX_ENCRYPTED_DATA_KEYS).build();
        long total = 0;
        try {
            // The SDK closes the stream it writes to when its own stream is closed; the caller owns out.
            CryptoOutputStream<ServiceMasterKey> encrypting = crypto.createEncryptingStream(
                    new ServiceMasterKey(service, keyId), new KeepOpen(out), encryptionContext);
            byte[] chunk = new byte[CHUNK];
            // The SDK writes the header with the first write only: an empty input would get a message without one.
            encrypting.write(chunk, 0, 0);
            for (int n; (n = in.read(chunk)) != -1; ) {
                encrypting.write(chunk, 0, n);
                total += n;
                progress.accept(n);
            }
            encrypting.close();
            var result = encrypting.getCryptoResult();
            return new MessageInfo(result.getCryptoAlgorithm(), result.getEncryptionContext(),
                    result.getMasterKeyIds(), total);
        } catch (ServiceCallFailed e) {
            throw e.serviceException();
        }
    }

    /**
     * Decrypts the one message that {@code in} holds to {@code out}, refusing it unless its encryption context holds
     * {@code required}. Everything is checked (header, every frame and its order, the final frame, the trailing
     * signature of a signing suite, no bytes after the message) before this returns, but plaintext reaches
     * {@code out} as frames are decrypted: on an exception, discard what was written. A key service refusal is
     * thrown as the service threw it; a message that is not valid is InvalidCiphertextException.
     */
    public MessageInfo decrypt(RequiredContext required, InputStream in, OutputStream out, LongConsumer progress)
            throws IOException {
        DecryptionHandler<ServiceMasterKey> handler = DecryptionHandler.create(
                new DiscoveryKeyProvider(service, required), CommitmentPolicy.RequireEncryptRequireDecrypt,
                SignaturePolicy.AllowEncryptAllowDecrypt, MAX_ENCRYPTED_DATA_KEYS);
        byte[] chunk = new byte[CHUNK];
        byte[] plaintext = new byte[0];
        long read = 0;
        long written = 0;
        FrameSequence frames = null;
        FrameAlignment alignment = null;
        try {
            for (int n; (n = in.readNBytes(chunk, 0, alignment == null ? chunk.length : alignment.next(read))) > 0; ) {
                if (handler.isComplete()) {
                    throw invalid("bytes follow the end of the message");
                }
                plaintext = ensure(plaintext, handler.estimatePartialOutputSize(n));
                ProcessingSummary step = handler.processBytes(chunk, 0, n, plaintext, 0);
                if (frames == null && handler.getHeaders().isComplete()) {
                    frames = new FrameSequence(handler.getHeaders());
                    // The SDK copies what it holds of an unfinished frame on every call: reads of at least a frame
                    // that end where frames end leave it none to hold (see FrameAlignment).
                    chunk = chunkFor(handler.getHeaders().getFrameLength(), chunk);
                    alignment = new FrameAlignment(handler.getHeaders(), chunk.length);
                }
                if (frames != null) {
                    frames.check(chunk, n, read);
                }
                out.write(plaintext, 0, step.getBytesWritten());
                written += step.getBytesWritten();
                read += n;
                progress.accept(n);
                if (handler.isComplete() && step.getBytesProcessed() < n) {
                    throw invalid("bytes follow the end of the message");
                }
            }
            if (read == 0) {
                throw invalid("the input is empty");
            }
            plaintext = ensure(plaintext, handler.estimateFinalOutputSize());
            int last = handler.doFinal(plaintext, 0);
            out.write(plaintext, 0, last);
            written += last;
            if (!handler.isComplete()) {
                throw invalid("the message ends early");
            }
        } catch (ServiceCallFailed e) {
            throw e.serviceException();
        } catch (KmsException e) {
            throw e;
        } catch (RuntimeException e) {
            // The SDK's verdicts (BadCiphertextException, ParseException, AwsCryptoException, and a few unchecked
            // exceptions of its parsers on malformed fields) all mean: not a valid message.
            throw invalid(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
        return new MessageInfo(handler.getHeaders().getCryptoAlgoId(), handler.getEncryptionContext(),
                handler.getMasterKeys().stream().map(ServiceMasterKey::getKeyId).toList(), written);
    }

    /** A read buffer that holds a whole frame with its fields, keeping the current chunk's bytes. */
    private static byte[] chunkFor(int frameLength, byte[] chunk) {
        long frameBytes = frameLength + 64L;
        return frameBytes <= chunk.length ? chunk : Arrays.copyOf(chunk, (int) Math.min(frameBytes, Integer.MAX_VALUE - 8));
    }

    private static byte[] ensure(byte[] buffer, int size) {
        return buffer.length >= size ? buffer : new byte[size];
    }

    private static KmsException invalid(String reason) {
        return new KmsException(ErrorCode.INVALID_CIPHERTEXT,
                "The input is not a valid AWS Encryption SDK message: " + reason);
    }

    /** Passes writes through and ignores close. */
    private static final class KeepOpen extends FilterOutputStream {
        KeepOpen(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
