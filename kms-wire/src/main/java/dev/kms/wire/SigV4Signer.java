package dev.kms.wire;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Signs a request with AWS Signature Version 4 in the header form, for clients of this service (the CLI's
 * remote mode). It builds the canonical request and the string to sign with {@link SigV4Verifier}'s own
 * code, so what is signed is exactly what is verified; SigV4SignerTest checks it against the AWS SDK's signer.
 */
public final class SigV4Signer {
    private final String region;
    private final String service;

    /** A signer for service {@code kms} in {@code region}. */
    public SigV4Signer(String region) {
        this(region, "kms");
    }

    /** A signer for {@code service} (kms, iam, sts) in {@code region}. */
    public SigV4Signer(String region, String service) {
        this.region = Objects.requireNonNull(region, "region");
        this.service = Objects.requireNonNull(service, "service");
    }

    /**
     * The headers to send with a request to {@code uri}: {@code headers} as given, plus {@code Host},
     * {@code X-Amz-Date}, {@code X-Amz-Security-Token} (when {@code sessionToken} is not null) and
     * {@code Authorization}, every one of them signed. {@code secret} is only read.
     */
    public Map<String, String> sign(String method, URI uri, Map<String, String> headers, byte[] body,
                                    String accessKeyId, char[] secret, String sessionToken, Instant now) {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(secret, "secret");
        String amzDate = SigV4Verifier.format(now);
        String date = amzDate.substring(0, 8);
        Map<String, String> signed = new LinkedHashMap<>();
        signed.put("Host", host(uri));
        signed.putAll(headers);
        signed.put("X-Amz-Date", amzDate);
        if (sessionToken != null) {
            signed.put("X-Amz-Security-Token", sessionToken);
        }
        Map<String, List<String>> multi = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        signed.forEach((name, value) -> multi.put(name, List.of(value)));
        List<String> names = new ArrayList<>();
        multi.keySet().forEach(name -> names.add(name.toLowerCase(Locale.ROOT)));
        names.sort(null);
        SigV4Verifier.SignedRequest request = new SigV4Verifier.SignedRequest(method, uri.getRawPath(),
                uri.getRawQuery(), multi, body);
        String canonical = SigV4Verifier.canonicalRequest(request, names,
                SigV4Verifier.hex(SigV4Verifier.sha256(request.body())));
        String scope = date + "/" + region + "/" + service + "/" + SigV4Verifier.TERMINATOR;
        byte[] key = SigV4Verifier.deriveSigningKey(secret.clone(), date, region, service);
        String signature;
        try {
            signature = SigV4Verifier.hex(SigV4Verifier.hmac(key,
                    SigV4Verifier.stringToSign(amzDate, scope, canonical).getBytes(StandardCharsets.UTF_8)));
        } finally {
            Arrays.fill(key, (byte) 0);
        }
        signed.put("Authorization", SigV4Verifier.ALGORITHM + " Credential=" + accessKeyId + "/" + scope
                + ", SignedHeaders=" + String.join(";", names) + ", Signature=" + signature);
        return signed;
    }

    /** The Host header an HTTP/1.1 client sends for {@code uri}: the port only when it is not the scheme's default. */
    static String host(URI uri) {
        String host = uri.getHost();
        if (host == null) {
            throw new IllegalArgumentException("the endpoint URL has no host: " + uri);
        }
        if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        int port = uri.getPort();
        boolean defaultPort = port == -1 || "http".equalsIgnoreCase(uri.getScheme()) && port == 80
                || "https".equalsIgnoreCase(uri.getScheme()) && port == 443;
        return defaultPort ? host : host + ":" + port;
    }
}
