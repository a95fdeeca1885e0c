package dev.kms.wire;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.identity.Principal;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies AWS Signature Version 4 in the header form (docs/kms-reference.md, Wire protocol: Authentication)
 * and answers the principal that signed. Pure: it sees a method, a raw path and query, headers and the body,
 * never an HTTP server type. Failures are {@link KmsException}s with the SigV4 codes of {@link ErrorCode}.
 */
public final class SigV4Verifier {
    /** How far a request's X-Amz-Date may be from the server clock, either way. */
    public static final Duration MAX_SKEW = Duration.ofMinutes(15);
    static final String ALGORITHM = "AWS4-HMAC-SHA256";
    static final String TERMINATOR = "aws4_request";
    static final String BAD_SIGNATURE = "The request signature we calculated does not match the signature you "
            + "provided. Check your AWS Secret Access Key and signing method. Consult the service documentation "
            + "for details.";
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT);
    private static final HexFormat HEX = HexFormat.of();
    private static final int DEFAULT_CACHE_SIZE = 4096;
    // Looking an algorithm up in the providers costs more than using it; each thread keeps its own instances.
    private static final ThreadLocal<Mac> HMAC = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance("HmacSHA256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    });
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    });

    private final String region;
    private final String service;
    private final Clock clock;
    private final CredentialLookup credentials;
    private final int cacheSize;
    // Signing keys by "accessKeyId/yyyyMMdd/region": secret-equivalent for one day, so never logged or printed.
    private final Map<String, byte[]> signingKeys = new ConcurrentHashMap<>();

    /** A verifier for service {@code kms} in {@code region}. */
    public SigV4Verifier(String region, Clock clock, CredentialLookup credentials) {
        this(region, "kms", clock, credentials, DEFAULT_CACHE_SIZE);
    }

    /**
     * A verifier for any service ({@code iam}, {@code sts}, or "service" of the published SigV4 test vectors),
     * caching the signing keys of up to {@code cacheSize} access keys and days.
     */
    public SigV4Verifier(String region, String service, Clock clock, CredentialLookup credentials, int cacheSize) {
        this.region = Objects.requireNonNull(region, "region");
        this.service = Objects.requireNonNull(service, "service");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        if (cacheSize < 1) {
            throw new IllegalArgumentException("cacheSize must be at least 1");
        }
        this.cacheSize = cacheSize;
    }

    /**
     * One HTTP request as signed: {@code rawPath} and {@code rawQuery} exactly as on the wire (percent-encoded,
     * query without '?', null when absent); header names are matched without regard to case.
     */
    public record SignedRequest(String method, String rawPath, String rawQuery, Map<String, List<String>> headers,
                                byte[] body) {
        public SignedRequest {
            Objects.requireNonNull(method, "method");
            TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            headers.forEach((name, values) -> copy.computeIfAbsent(name, n -> new ArrayList<>()).addAll(values));
            headers = copy;
            body = body == null ? new byte[0] : body;
        }

        List<String> header(String name) {
            return headers.getOrDefault(name, List.of());
        }
    }

    /** The principal whose signature {@code request} carries; throws {@link KmsException} otherwise. */
    public Principal verify(SignedRequest request) {
        List<String> authorization = request.header("Authorization");
        if (authorization.isEmpty()) {
            throw new KmsException(ErrorCode.MISSING_AUTHENTICATION_TOKEN, "Request is missing Authentication Token");
        }
        if (authorization.size() > 1) {
            throw new KmsException(ErrorCode.INCOMPLETE_SIGNATURE, "The request carries more than one Authorization header.");
        }
        Authorization auth = Authorization.parse(authorization.get(0));

        String amzDate = single(request, "X-Amz-Date");
        if (amzDate == null) {
            throw new KmsException(ErrorCode.INCOMPLETE_SIGNATURE,
                    "Authorization header requires existence of an 'X-Amz-Date' header.");
        }
        Instant signedAt = parseAmzDate(amzDate);
        if (!auth.signedHeaders.contains("host")) {
            throw new KmsException(ErrorCode.INCOMPLETE_SIGNATURE, "'Host' must be a 'SignedHeader' in the AWS Authorization.");
        }
        if (!auth.signedHeaders.contains("x-amz-date")) {
            throw new KmsException(ErrorCode.INCOMPLETE_SIGNATURE,
                    "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.");
        }
        checkCoverage(request, auth.signedHeaders);
        checkScope(auth, amzDate);
        checkClock(signedAt, amzDate);

        Principal principal = credentials.principalOf(auth.accessKeyId, single(request, "X-Amz-Security-Token"));
        String payloadHash = hex(sha256(request.body()));
        String declared = single(request, "X-Amz-Content-Sha256");
        if (declared != null && !declared.equalsIgnoreCase(payloadHash)) {
            throw new KmsException(ErrorCode.INVALID_SIGNATURE,
                    "The provided 'x-amz-content-sha256' header does not match what was computed.");
        }
        String canonicalRequest = canonicalRequest(request, auth.signedHeaders, payloadHash);
        String stringToSign = stringToSign(amzDate, auth.date + "/" + region + "/" + service + "/" + TERMINATOR,
                canonicalRequest);
        byte[] expected = HEX.formatHex(hmac(signingKey(auth.accessKeyId, auth.date),
                stringToSign.getBytes(StandardCharsets.UTF_8))).getBytes(StandardCharsets.US_ASCII);
        byte[] given = auth.signature.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, given)) {
            throw new KmsException(ErrorCode.INVALID_SIGNATURE, BAD_SIGNATURE);
        }
        return principal;
    }

    /**
     * Every {@code x-amz-*} header and Content-Type must be signed, as AWS requires: otherwise a captured request
     * replayed within its window could carry another X-Amz-Target (operation) or Content-Type (protocol).
     */
    private static void checkCoverage(SignedRequest request, List<String> signedHeaders) {
        for (String name : request.headers().keySet()) {
            boolean mustBeSigned = name.regionMatches(true, 0, "x-amz-", 0, 6) || name.equalsIgnoreCase("content-type");
            if (mustBeSigned && !signedHeaders.contains(name.toLowerCase(Locale.ROOT))) {
                throw new KmsException(ErrorCode.INCOMPLETE_SIGNATURE,
                        "'" + name + "' must be a 'SignedHeader' in the AWS Authorization.");
            }
        }
    }

    private void checkScope(Authorization auth, String amzDate) {
        if (!auth.date.equals(amzDate.substring(0, 8))) {
            throw new KmsException(ErrorCode.INVALID_SIGNATURE, "Date in Credential scope does not match YYYYMMDD from "
                    + "ISO-8601 version of date from HTTP: '" + auth.date + "' != '" + amzDate.substring(0, 8)
                    + "', from 'X-Amz-Date'.");
        }
        if (!auth.region.equals(region)) {
            throw new KmsException(ErrorCode.INVALID_SIGNATURE, "Credential should be scoped to a valid region.");
        }
        if (!auth.service.equals(service)) {
            throw new KmsException(ErrorCode.INVALID_SIGNATURE, "Credential should be scoped to correct service: '"
                    + service + "'.");
        }
        if (!auth.terminator.equals(TERMINATOR)) {
            throw new KmsException(ErrorCode.INVALID_SIGNATURE, "Credential should be scoped with a valid terminator: '"
                    + TERMINATOR + "'.");
        }
    }

    private void checkClock(Instant signedAt, String amzDate) {
        Instant now = clock.instant();
        if (signedAt.isBefore(now.minus(MAX_SKEW))) {
            throw new KmsException(ErrorCode.REQUEST_EXPIRED, "Signature expired: " + amzDate + " is now earlier than "
                    + format(now.minus(MAX_SKEW)) + " (" + format(now) + " - 15 min.)");
        }
        if (signedAt.isAfter(now.plus(MAX_SKEW))) {
            throw new KmsException(ErrorCode.REQUEST_EXPIRED, "Signature not yet current: " + amzDate
                    + " is still later than " + format(now.plus(MAX_SKEW)) + " (" + format(now) + " + 15 min.)");
        }
    }

    // ---- canonical request (shared with SigV4Signer, so that signing and verifying cannot drift apart)

    static String stringToSign(String amzDate, String scope, String canonicalRequest) {
        return ALGORITHM + "\n" + amzDate + "\n" + scope + "\n"
                + hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
    }

    static String canonicalRequest(SignedRequest request, List<String> signedHeaders, String payloadHash) {
        StringBuilder canonical = new StringBuilder(256);
        canonical.append(request.method()).append('\n');
        canonical.append(canonicalUri(request.rawPath())).append('\n');
        canonical.append(canonicalQuery(request.rawQuery())).append('\n');
        for (String name : signedHeaders) {
            List<String> values = request.header(name);
            if (values.isEmpty()) {
                throw new KmsException(ErrorCode.INCOMPLETE_SIGNATURE,
                        "'" + name + "' is named as a SignedHeader, but it does not exist in the HTTP request.");
            }
            canonical.append(name).append(':');
            for (int i = 0; i < values.size(); i++) {
                if (i > 0) {
                    canonical.append(',');
                }
                canonical.append(trimAll(values.get(i)));
            }
            canonical.append('\n');
        }
        canonical.append('\n').append(String.join(";", signedHeaders)).append('\n').append(payloadHash);
        return canonical.toString();
    }

    /** The path normalized (no dot segments) and then encoded once more, as SigV4 does for every service but S3. */
    static String canonicalUri(String rawPath) {
        if (rawPath == null || rawPath.isEmpty() || rawPath.equals("/")) {
            return "/"; // every KMS request's path
        }
        String normalized;
        try {
            // The raw path is already percent-encoded: normalize it as it is, then encode each segment again.
            normalized = new URI(rawPath).normalize().getRawPath();
        } catch (URISyntaxException e) {
            throw new KmsException(ErrorCode.INCOMPLETE_SIGNATURE, "The request path is not a valid URI path.");
        }
        if (normalized == null || normalized.isEmpty()) {
            return "/";
        }
        String[] segments = normalized.split("/", -1);
        StringBuilder out = new StringBuilder(normalized.length() + 8);
        for (int i = 0; i < segments.length; i++) {
            if (i > 0) {
                out.append('/');
            }
            out.append(encode(segments[i]));
        }
        return out.toString();
    }

    /** Parameters decoded, encoded again strictly, and sorted by name then value. */
    static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        List<String[]> pairs = new ArrayList<>();
        for (String parameter : rawQuery.split("&")) {
            if (parameter.isEmpty()) {
                continue;
            }
            int eq = parameter.indexOf('=');
            String name = eq < 0 ? parameter : parameter.substring(0, eq);
            String value = eq < 0 ? "" : parameter.substring(eq + 1);
            pairs.add(new String[] {encode(percentDecode(name)), encode(percentDecode(value))});
        }
        pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        StringBuilder out = new StringBuilder(rawQuery.length() + 8);
        for (String[] pair : pairs) {
            if (out.length() > 0) {
                out.append('&');
            }
            out.append(pair[0]).append('=').append(pair[1]);
        }
        return out.toString();
    }

    /** RFC 3986 encoding as SigV4 wants it: unreserved characters kept, everything else %XX (uppercase). */
    static String encode(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length + 8);
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    private static String percentDecode(String value) {
        if (value.indexOf('%') < 0) {
            return value;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%' && i + 2 < value.length()
                    && Character.digit(value.charAt(i + 1), 16) >= 0 && Character.digit(value.charAt(i + 2), 16) >= 0) {
                out.write(Character.digit(value.charAt(i + 1), 16) << 4 | Character.digit(value.charAt(i + 2), 16));
                i += 2;
            } else {
                byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(bytes, 0, bytes.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Leading and trailing whitespace removed, inner runs of spaces collapsed to one. */
    static String trimAll(String value) {
        if (isTrimmed(value)) {
            return value;
        }
        String trimmed = value.strip();
        StringBuilder out = new StringBuilder(trimmed.length());
        boolean space = false;
        for (int i = 0; i < trimmed.length(); i++) {
            char c = trimmed.charAt(i);
            if (c == ' ' || c == '\t') {
                if (!space) {
                    out.append(' ');
                }
                space = true;
            } else {
                out.append(c);
                space = false;
            }
        }
        return out.toString();
    }

    /** No outer whitespace, no tab, no two spaces in a row: what almost every header value looks like. */
    private static boolean isTrimmed(String value) {
        int last = value.length() - 1;
        if (last >= 0 && (Character.isWhitespace(value.charAt(0)) || Character.isWhitespace(value.charAt(last)))) {
            return false;
        }
        for (int i = 0; i <= last; i++) {
            char c = value.charAt(i);
            if (c == '\t' || c == ' ' && i < last && value.charAt(i + 1) == ' ') {
                return false;
            }
        }
        return true;
    }

    // ---- keys and hashes

    private byte[] signingKey(String accessKeyId, String date) {
        String cacheKey = accessKeyId + "/" + date + "/" + region;
        byte[] cached = signingKeys.get(cacheKey);
        if (cached != null) {
            return cached;
        }
        byte[] key = deriveSigningKey(credentials.secretOf(accessKeyId), date, region, service);
        if (signingKeys.size() >= cacheSize) {
            // Simple bound: forget everything (keys are re-derived on the next request of each caller).
            signingKeys.clear();
        }
        signingKeys.put(cacheKey, key);
        return key;
    }

    /** The HMAC chain ("AWS4"+secret, date) -> region -> service -> "aws4_request"; clears {@code secret}. */
    static byte[] deriveSigningKey(char[] secret, String date, String region, String service) {
        CharBuffer chars = CharBuffer.allocate(4 + secret.length);
        ByteBuffer encoded = null;
        byte[] k = null;
        try {
            chars.put("AWS4").put(secret).flip();
            encoded = StandardCharsets.UTF_8.encode(chars);
            k = new byte[encoded.remaining()];
            encoded.get(k);
            byte[] kDate = hmac(k, date.getBytes(StandardCharsets.UTF_8));
            byte[] kRegion = hmac(kDate, region.getBytes(StandardCharsets.UTF_8));
            byte[] kService = hmac(kRegion, service.getBytes(StandardCharsets.UTF_8));
            byte[] signing = hmac(kService, TERMINATOR.getBytes(StandardCharsets.UTF_8));
            Arrays.fill(kDate, (byte) 0);
            Arrays.fill(kRegion, (byte) 0);
            Arrays.fill(kService, (byte) 0);
            return signing;
        } finally {
            Arrays.fill(secret, '\0');
            Arrays.fill(chars.array(), '\0');
            if (encoded != null && encoded.hasArray()) {
                Arrays.fill(encoded.array(), (byte) 0);
            }
            if (k != null) {
                Arrays.fill(k, (byte) 0);
            }
        }
    }

    static byte[] hmac(byte[] key, byte[] data) {
        Mac mac = HMAC.get();
        try {
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 refused a key", e);
        }
        return mac.doFinal(data);
    }

    static byte[] sha256(byte[] data) {
        return SHA256.get().digest(data);
    }

    static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    // ---- parsing

    private static String single(SignedRequest request, String name) {
        List<String> values = request.header(name);
        if (values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new KmsException(ErrorCode.INCOMPLETE_SIGNATURE, "The request carries more than one " + name + " header.");
        }
        return values.get(0).strip();
    }

    /** yyyyMMdd'T'HHmmss'Z' read by hand: DateTimeFormatter's parser was a visible share of every request. */
    static Instant parseAmzDate(String amzDate) {
        if (amzDate.length() != 16 || amzDate.charAt(8) != 'T' || amzDate.charAt(15) != 'Z') {
            throw badAmzDate();
        }
        try {
            return LocalDateTime.of(digits(amzDate, 0, 4), digits(amzDate, 4, 6), digits(amzDate, 6, 8),
                    digits(amzDate, 9, 11), digits(amzDate, 11, 13), digits(amzDate, 13, 15)).toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            throw badAmzDate(); // a digit-only field out of range, e.g. month 13 or February 30
        }
    }

    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw badAmzDate();
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static KmsException badAmzDate() {
        return new KmsException(ErrorCode.INCOMPLETE_SIGNATURE,
                "X-Amz-Date must be in ISO-8601 basic format (yyyyMMdd'T'HHmmss'Z').");
    }

    /** X-Amz-Date's form, yyyyMMdd'T'HHmmss'Z'. */
    static String format(Instant instant) {
        return AMZ_DATE.format(instant.atOffset(ZoneOffset.UTC));
    }

    /** The parsed {@code Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...}. */
    private record Authorization(String accessKeyId, String date, String region, String service, String terminator,
                                 List<String> signedHeaders, String signature) {
        static Authorization parse(String header) {
            String value = header.strip();
            int space = value.indexOf(' ');
            String algorithm = space < 0 ? value : value.substring(0, space);
            if (!algorithm.equals(ALGORITHM)) {
                throw new KmsException(ErrorCode.INCOMPLETE_SIGNATURE, "Unsupported AWS 'algorithm': '" + algorithm
                        + "'; only " + ALGORITHM + " is.");
            }
            Map<String, String> parts = new TreeMap<>();
            for (String part : value.substring(space + 1).split(",")) {
                String item = part.strip();
                int eq = item.indexOf('=');
                if (eq <= 0) {
                    throw new KmsException(ErrorCode.INCOMPLETE_SIGNATURE,
                            "An element of the Authorization header is not a valid key=value pair (missing equal-sign).");
                }
                if (parts.put(item.substring(0, eq), item.substring(eq + 1)) != null) {
                    throw new KmsException(ErrorCode.INCOMPLETE_SIGNATURE,
                            "Authorization header names '" + item.substring(0, eq) + "' more than once.");
                }
            }
            String credential = required(parts, "Credential");
            String signedHeaders = required(parts, "SignedHeaders");
            String signature = required(parts, "Signature");
            String[] scope = credential.split("/", -1);
            if (scope.length != 5 || scope[0].isEmpty()) {
                throw new KmsException(ErrorCode.INCOMPLETE_SIGNATURE, "Credential must have exactly 5 slash-delimited "
                        + "elements, e.g. keyid/date/region/service/term.");
            }
            List<String> names = new ArrayList<>();
            for (String name : signedHeaders.split(";")) {
                if (name.isBlank()) {
                    throw new KmsException(ErrorCode.INCOMPLETE_SIGNATURE, "SignedHeaders must not contain an empty name.");
                }
                names.add(name.strip().toLowerCase(Locale.ROOT));
            }
            return new Authorization(scope[0], scope[1], scope[2], scope[3], scope[4], List.copyOf(names), signature);
        }

        private static String required(Map<String, String> parts, String name) {
            String value = parts.get(name);
            if (value == null || value.isEmpty()) {
                throw new KmsException(ErrorCode.INCOMPLETE_SIGNATURE, "Authorization header requires '" + name
                        + "' parameter.");
            }
            return value;
        }
    }
}
