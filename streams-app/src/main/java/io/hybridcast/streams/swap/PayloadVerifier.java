package io.hybridcast.streams.swap;

import io.hybridcast.schemas.modelversion.ModelPayloads;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Integrity and authenticity of a model payload: its SHA-256 must match the published one, and, when a key
 * is configured, its HMAC-SHA256 under that key must match the published signature (compared in constant
 * time). Returns the reason a payload is refused, or null.
 */
public final class PayloadVerifier {

    private final byte[] hmacKey;

    /** @param hmacKey the shared key, or empty/null to accept unsigned payloads */
    public PayloadVerifier(String hmacKey) {
        this.hmacKey = hmacKey == null || hmacKey.isEmpty() ? null : hmacKey.getBytes(StandardCharsets.UTF_8);
    }

    public boolean requiresSignature() {
        return hmacKey != null;
    }

    /** The reason the payload is refused, or null when it passes. */
    public String verify(byte[] payload, String sha256Hex, String signatureHex) {
        String actual = sha256(payload);
        if (sha256Hex == null || !actual.equalsIgnoreCase(sha256Hex)) {
            return "SHA-256 mismatch: published " + sha256Hex + ", payload has " + actual;
        }
        if (hmacKey != null) {
            if (signatureHex == null || signatureHex.isBlank()) {
                return "unsigned, but a signing key is configured (model.hmac.key)";
            }
            byte[] expected = HexFormat.of().parseHex(ModelPayloads.sign(new String(hmacKey, StandardCharsets.UTF_8),
                    payload));
            byte[] given;
            try {
                given = HexFormat.of().parseHex(signatureHex.strip().toLowerCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                return "signature is not hex";
            }
            if (!MessageDigest.isEqual(expected, given)) {
                return "HMAC-SHA256 signature does not match the configured key";
            }
        }
        return null;
    }

    /** SHA-256 of a payload, lowercase hex (the one definition in {@link ModelPayloads}). */
    public static String sha256(byte[] payload) {
        return ModelPayloads.sha256(payload);
    }

    /** HMAC-SHA256 of a payload, lowercase hex (what a publisher puts in {@code ModelVersion.signature}). */
    public static String sign(String key, byte[] payload) {
        return ModelPayloads.sign(key, payload);
    }
}
