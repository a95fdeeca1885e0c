package dev.kms.core.policy;

import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsing of typed condition values (numbers, dates, IP addresses); null means "not a value of that type". */
final class ConditionValues {
    private static final Pattern EPOCH_SECONDS = Pattern.compile("-?\\d{1,18}");
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private ConditionValues() {
    }

    static BigDecimal number(String value) {
        try {
            return new BigDecimal(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** ISO-8601 (with or without offset, or a plain date, read as UTC) or epoch seconds, as IAM accepts. */
    static Instant instant(String value) {
        String v = value.trim();
        if (EPOCH_SECONDS.matcher(v).matches()) {
            return Instant.ofEpochSecond(Long.parseLong(v));
        }
        try {
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException ignored) {
            // try the next ISO-8601 form
        }
        try {
            return LocalDateTime.parse(v).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException ignored) {
            // try the next ISO-8601 form
        }
        try {
            return LocalDate.parse(v).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** An address or CIDR block; a bare address is a /32 or /128 block. */
    static Cidr cidr(String value) {
        int slash = value.indexOf('/');
        byte[] network = address(slash < 0 ? value : value.substring(0, slash));
        if (network == null) {
            return null;
        }
        int prefix = network.length * 8;
        if (slash >= 0) {
            String bits = value.substring(slash + 1);
            if (!bits.matches("\\d{1,3}")) {
                return null;
            }
            prefix = Integer.parseInt(bits);
            if (prefix > network.length * 8) {
                return null;
            }
        }
        return new Cidr(network, prefix);
    }

    /** Parses IP literals only: never a host name, so evaluating a policy never touches DNS. */
    static byte[] address(String literal) {
        Matcher v4 = IPV4.matcher(literal);
        if (v4.matches()) {
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                int octet = Integer.parseInt(v4.group(i + 1));
                if (octet > 255) {
                    return null;
                }
                bytes[i] = (byte) octet;
            }
            return bytes;
        }
        if (!IPV6.matcher(literal).matches()) {
            return null;
        }
        try {
            // A string with a colon is only ever parsed as an IPv6 literal; no name lookup happens.
            return InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** A CIDR block: the first {@code prefix} bits of {@code network}. */
    record Cidr(byte[] network, int prefix) {
        boolean contains(String address) {
            byte[] candidate = address(address.trim());
            if (candidate == null || candidate.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (candidate[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (candidate[full] & mask) == (network[full] & mask);
        }
    }
}
