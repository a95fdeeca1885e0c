package dev.kms.cli;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the fields of an AWS Encryption SDK message (format version 2, framed) lie, read by the test itself from
 * the message-format specification, so the corruption tests can hit each field by name.
 */
record MessageLayout(Map<String, Field> headerFields, int headerEnd, List<Field> frames, Field finalFrame,
                     int finalFrameLengthOffset, Field footer) {
    record Field(int offset, int length) {
        int end() {
            return offset + length;
        }
    }

    static MessageLayout of(byte[] message) {
        ByteBuffer in = ByteBuffer.wrap(message);
        Map<String, Field> fields = new LinkedHashMap<>();
        field(fields, "version", in, 1);
        field(fields, "algorithm suite id", in, 2);
        field(fields, "message id", in, 32);
        int aadLength = Short.toUnsignedInt(in.getShort(in.position()));
        field(fields, "aad length", in, 2);
        if (aadLength > 0) {
            int pairs = Short.toUnsignedInt(in.getShort(in.position()));
            field(fields, "aad pair count", in, 2);
            for (int i = 0; i < pairs; i++) {
                lengthPrefixed(fields, "aad key " + i, in);
                lengthPrefixed(fields, "aad value " + i, in);
            }
        }
        int keys = Short.toUnsignedInt(in.getShort(in.position()));
        field(fields, "encrypted data key count", in, 2);
        for (int i = 0; i < keys; i++) {
            lengthPrefixed(fields, "key provider id " + i, in);
            lengthPrefixed(fields, "key provider info " + i, in);
            lengthPrefixed(fields, "encrypted data key " + i, in);
        }
        field(fields, "content type", in, 1);
        int frameLength = in.getInt(in.position());
        field(fields, "frame length", in, 4);
        field(fields, "algorithm suite data (commitment key)", in, 32);
        field(fields, "header authentication tag", in, 16);
        int headerEnd = in.position();

        List<Field> frames = new ArrayList<>();
        while (in.getInt(in.position()) != 0xFFFFFFFF) {
            frames.add(new Field(in.position(), 4 + 12 + frameLength + 16));
            in.position(in.position() + 4 + 12 + frameLength + 16);
        }
        int finalStart = in.position();
        int finalLengthOffset = finalStart + 4 + 4 + 12;
        int finalContent = in.getInt(finalLengthOffset);
        Field finalFrame = new Field(finalStart, 4 + 4 + 12 + 4 + finalContent + 16);
        Field footer = new Field(finalFrame.end(), message.length - finalFrame.end());
        return new MessageLayout(fields, headerEnd, frames, finalFrame, finalLengthOffset, footer);
    }

    private static void field(Map<String, Field> fields, String name, ByteBuffer in, int length) {
        fields.put(name, new Field(in.position(), length));
        in.position(in.position() + length);
    }

    private static void lengthPrefixed(Map<String, Field> fields, String name, ByteBuffer in) {
        int length = Short.toUnsignedInt(in.getShort(in.position()));
        field(fields, name + " length", in, 2);
        field(fields, name, in, length);
    }
}
