package io.hybridcast.streams.api;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Percent-decoding of one URL path segment (RFC 3986): {@code %XX} is a byte, everything else is itself, so a
 * {@code +} stays a plus (unlike {@link java.net.URLDecoder}, which decodes form data). Sensor ids may contain
 * {@code +}, {@code %}, {@code /} and any other character but controls; clients encode them with
 * {@code encodeURIComponent}.
 */
final class PathSegments {

    private PathSegments() {
    }

    /** The decoded segment; a malformed escape is an {@link IllegalArgumentException} naming it. */
    static String decode(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != '%') {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                continue;
            }
            if (i + 2 >= raw.length() || Character.digit(raw.charAt(i + 1), 16) < 0
                    || Character.digit(raw.charAt(i + 2), 16) < 0) {
                throw new IllegalArgumentException("malformed percent-escape at index " + i + " of path segment '"
                        + raw + "'");
            }
            out.write(Character.digit(raw.charAt(i + 1), 16) * 16 + Character.digit(raw.charAt(i + 2), 16));
            i += 2;
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
