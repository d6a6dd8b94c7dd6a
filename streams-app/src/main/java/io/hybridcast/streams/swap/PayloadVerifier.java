package io.hybridcast.streams.swap;

import io.hybridcast.avro.ModelVersion;
import io.hybridcast.schemas.modelversion.ModelPayloads;

/**
 * Integrity and authenticity of a model version: its payload's SHA-256 must match the published one, and,
 * when a key is configured, the HMAC-SHA256 signature over its metadata (which includes that SHA-256) must
 * match under that key; without a key, versions are refused unless unsigned ones are allowed
 * ({@code model.allow.unsigned}). The rules are {@link ModelPayloads#verify}, shared with the trainer.
 */
public final class PayloadVerifier {

    private final String hmacKey;
    private final boolean allowUnsigned;

    /**
     * @param hmacKey       the shared key, or empty/null when none is configured
     * @param allowUnsigned whether unsigned versions are accepted when no key is configured
     */
    public PayloadVerifier(String hmacKey, boolean allowUnsigned) {
        this.hmacKey = hmacKey == null || hmacKey.isEmpty() ? null : hmacKey;
        this.allowUnsigned = allowUnsigned;
    }

    /** Whether versions must carry a valid signature (a key is configured). */
    public boolean requiresSignature() {
        return hmacKey != null;
    }

    /** The reason the version is refused, or null when it passes. */
    public String verify(ModelVersion header, byte[] payload) {
        return ModelPayloads.verify(header, payload, hmacKey, allowUnsigned);
    }

    /** SHA-256 of a payload, lowercase hex (the one definition in {@link ModelPayloads}). */
    public static String sha256(byte[] payload) {
        return ModelPayloads.sha256(payload);
    }

    /** The signature of a version's metadata under {@code key} (what a publisher puts in its signature field). */
    public static String sign(String key, ModelVersion header) {
        return ModelPayloads.sign(key, header);
    }
}
