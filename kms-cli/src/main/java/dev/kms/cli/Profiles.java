package dev.kms.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Named profiles of the AWS shared files: the credentials file (AWS_SHARED_CREDENTIALS_FILE, else
 * ~/.aws/credentials; sections {@code [NAME]}) and the config file (AWS_CONFIG_FILE, else ~/.aws/config;
 * sections {@code [profile NAME]}, and {@code [default]}), with aws_access_key_id, aws_secret_access_key and
 * aws_session_token; the credentials file wins, as in the AWS CLI. Files are read into {@code char[]} that are
 * cleared afterwards, so the secret never becomes a String.
 */
final class Profiles {
    static final String CREDENTIALS_FILE = "AWS_SHARED_CREDENTIALS_FILE";
    static final String CONFIG_FILE = "AWS_CONFIG_FILE";
    private static final String KEY_ID = "aws_access_key_id";
    private static final String SECRET = "aws_secret_access_key";
    private static final String TOKEN = "aws_session_token";

    private Profiles() {
    }

    /** The access key of profile {@code name}; CliException when the profile or its key is missing. */
    static Credentials read(String name, Map<String, String> env) {
        Path credentialsFile = file(env, CREDENTIALS_FILE, "credentials");
        Path configFile = file(env, CONFIG_FILE, "config");
        Map<String, char[]> values = section(credentialsFile, name);
        boolean found = values != null;
        if (values == null || !values.containsKey(KEY_ID)) {
            Map<String, char[]> config = section(configFile, name.equals("default") ? "default" : "profile " + name);
            found |= config != null;
            if (config != null) {
                if (values != null) {
                    values.values().forEach(v -> Arrays.fill(v, '\0'));
                }
                values = config;
            }
        }
        if (!found) {
            throw new CliException("The config profile (" + name + ") could not be found");
        }
        try {
            char[] id = values.get(KEY_ID);
            char[] secret = values.get(SECRET);
            if (id == null || secret == null) {
                throw new CliException("Profile " + name + " has no " + (id == null ? KEY_ID : SECRET));
            }
            char[] token = values.get(TOKEN);
            return new Credentials(new String(id), secret.clone(), token == null ? null : new String(token),
                    "profile " + name);
        } finally {
            values.values().forEach(v -> Arrays.fill(v, '\0'));
        }
    }

    private static Path file(Map<String, String> env, String variable, String name) {
        String path = env.get(variable);
        return path != null && !path.isBlank() ? Path.of(path)
                : Path.of(System.getProperty("user.home"), ".aws", name);
    }

    /** The key = value pairs of section {@code [name]} of an INI file, or null when the file or section is absent. */
    private static Map<String, char[]> section(Path file, String name) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new CliException("Cannot read " + file + ": " + e.getClass().getSimpleName());
        }
        char[] text = null;
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes));
            text = new char[chars.remaining()];
            chars.get(text);
            Arrays.fill(chars.array(), '\0');
            return parse(text, name);
        } catch (CharacterCodingException e) {
            throw new CliException(file + " is not UTF-8 text");
        } finally {
            Arrays.fill(bytes, (byte) 0);
            if (text != null) {
                Arrays.fill(text, '\0');
            }
        }
    }

    private static Map<String, char[]> parse(char[] text, String wanted) {
        Map<String, char[]> values = null;
        boolean inWanted = false;
        int start = 0;
        while (start < text.length) {
            int end = start;
            while (end < text.length && text[end] != '\n') {
                end++;
            }
            int from = start;
            int to = end;
            while (from < to && Character.isWhitespace(text[from])) {
                from++;
            }
            while (to > from && Character.isWhitespace(text[to - 1])) {
                to--;
            }
            if (from < to && text[from] != '#' && text[from] != ';') {
                if (text[from] == '[' && text[to - 1] == ']') {
                    String section = new String(text, from + 1, to - from - 2).strip().replaceAll("\\s+", " ");
                    inWanted = section.equals(wanted);
                    if (inWanted && values == null) {
                        values = new HashMap<>();
                    }
                } else if (inWanted) {
                    int eq = from;
                    while (eq < to && text[eq] != '=') {
                        eq++;
                    }
                    if (eq < to) {
                        String key = new String(text, from, eq - from).strip().toLowerCase(java.util.Locale.ROOT);
                        int valueFrom = eq + 1;
                        while (valueFrom < to && Character.isWhitespace(text[valueFrom])) {
                            valueFrom++;
                        }
                        char[] previous = values.put(key, Arrays.copyOfRange(text, valueFrom, to));
                        if (previous != null) {
                            Arrays.fill(previous, '\0');
                        }
                    }
                }
            }
            start = end + 1;
        }
        return values;
    }
}
