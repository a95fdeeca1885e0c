package dev.kms.server;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Text as AWS's front ends accept it: well-formed UTF-8 (no overlong forms, no encoded surrogates, nothing beyond
 * U+10FFFF) that decodes to well-formed UTF-16 (no unpaired surrogate, which JSON can still spell as an escape).
 * A lenient decoder turns such bytes into lone surrogates, which the audit trail's own JSON reader later refuses.
 */
final class StrictText {
    private StrictText() {
    }

    /** True when every byte is well-formed UTF-8; the common all-ASCII body costs one pass and no decoder. */
    static boolean isUtf8(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                try {
                    decodeUtf8(bytes);
                    return true;
                } catch (CharacterCodingException e) {
                    return false;
                }
            }
        }
        return true;
    }

    /** {@code bytes} as UTF-8; throws CharacterCodingException on any malformed sequence instead of replacing it. */
    static String decodeUtf8(byte[] bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes)).toString();
    }

    /** True unless {@code text} holds a high surrogate not followed by a low one, or a low one not preceded by one. */
    static boolean isWellFormed(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
