package dev.kms.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The on-disk format of the trail (docs/audit-trail.md, "File format"): JSON Lines where every line is
 * {@code {"seq":N,"prev":"<hex SHA-256 of the previous line>", <one of header|event|digest>}}.
 */
final class TrailFormat {
    static final int FORMAT_VERSION = 1;
    static final String GENESIS = "0".repeat(64);
    static final Pattern FILE_NAME = Pattern.compile("audit-(\\d{20})-(\\d{8}T\\d{6}Z)\\.jsonl");
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final String SEAL_DOMAIN = "kms-audit-seal/v1:";
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final HexFormat HEX = HexFormat.of();
    // The writer hashes every line it appends; finding the algorithm in the providers costs more than hashing.
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    });

    private TrailFormat() {
    }

    /** Names sort in seq order; the timestamp is for people. */
    static String fileName(long firstSeq, Instant created) {
        return String.format("audit-%020d-%s.jsonl", firstSeq, STAMP.format(created));
    }

    /** The trail files of {@code dir} in name order, which is the order they were written. */
    static List<Path> trailFiles(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return files;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path file : stream) {
                if (FILE_NAME.matcher(file.getFileName().toString()).matches()) {
                    files.add(file);
                }
            }
        }
        files.sort(null);
        return files;
    }

    static byte[] eventLine(long seq, String prev, byte[] eventJson) {
        byte[] head = ("{\"seq\":" + seq + ",\"prev\":\"" + prev + "\",\"event\":").getBytes(StandardCharsets.UTF_8);
        byte[] line = Arrays.copyOf(head, head.length + eventJson.length + 1);
        System.arraycopy(eventJson, 0, line, head.length, eventJson.length);
        line[line.length - 1] = '}';
        return line;
    }

    static byte[] headerLine(long seq, String prev, String fileName, Instant created) {
        ObjectNode header = JSON.objectNode();
        header.put("formatVersion", FORMAT_VERSION);
        header.put("file", fileName);
        header.put("created", created.toString());
        return line(seq, prev, "header", header);
    }

    static byte[] digestLine(long seq, String prev, byte[] seal, String sealKeyId, Instant time) {
        ObjectNode digest = JSON.objectNode();
        digest.put("upToSeq", seq - 1);
        digest.put("chainHash", prev);
        digest.put("seal", java.util.Base64.getEncoder().encodeToString(seal));
        digest.put("sealKeyId", sealKeyId);
        digest.put("time", time.toString());
        return line(seq, prev, "digest", digest);
    }

    private static byte[] line(long seq, String prev, String kind, JsonNode body) {
        ObjectNode line = JSON.objectNode();
        line.put("seq", seq);
        line.put("prev", prev);
        line.set(kind, body);
        try {
            return AuditEventJson.MAPPER.writeValueAsBytes(line);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What the HSM seals: SHA-256 over a domain tag, the last sealed seq and the hash of that line, which
     * commits to every line before it through the chain.
     */
    static byte[] sealInput(long upToSeq, String chainHash) {
        return sha256((SEAL_DOMAIN + upToSeq + ":" + chainHash).getBytes(StandardCharsets.UTF_8));
    }

    static byte[] sha256(byte[] bytes) {
        return SHA256.get().digest(bytes);
    }

    static String hashHex(byte[] line) {
        return HEX.formatHex(sha256(line));
    }

    /** The last newline-terminated line of {@code file} (without its newline), or null if it has none. */
    static byte[] lastCompleteLine(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            long chunk = 64 * 1024;
            while (true) {
                long start = Math.max(0, size - chunk);
                ByteBuffer buffer = ByteBuffer.allocate((int) (size - start));
                while (buffer.hasRemaining() && channel.read(buffer, start + buffer.position()) >= 0) {
                    // read until full
                }
                byte[] bytes = buffer.array();
                int end = lastIndexOf(bytes, bytes.length - 1);
                if (end < 0 && start > 0 || end >= 0 && lastIndexOf(bytes, end - 1) < 0 && start > 0) {
                    chunk *= 2;
                    continue;
                }
                if (end < 0) {
                    return null;
                }
                int begin = lastIndexOf(bytes, end - 1) + 1;
                return Arrays.copyOfRange(bytes, begin, end);
            }
        }
    }

    private static int lastIndexOf(byte[] bytes, int from) {
        for (int i = from; i >= 0; i--) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
