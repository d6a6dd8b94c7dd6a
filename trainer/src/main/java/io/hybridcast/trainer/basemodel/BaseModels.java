package io.hybridcast.trainer.basemodel;

import io.hybridcast.avro.SystemKind;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * The base models shipped with the trainer ({@code base-models/<system>.bundle} on the classpath, made by
 * {@code trainer base-models}, docs/trainer.md), checked against the SHA-256 in their manifest
 * ({@code base-models/<system>.json}).
 */
public final class BaseModels {

    private static final String DIR = "base-models/";

    private BaseModels() {
    }

    /** File name (without extension) of a system's base model. */
    public static String fileName(SystemKind system) {
        return system.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The shipped base model of {@code system}, if there is one; a bundle whose SHA-256 differs from its
     * manifest's is refused with an exception naming both.
     */
    public static Optional<byte[]> shipped(SystemKind system) {
        byte[] bundle = resource(DIR + fileName(system) + ".bundle");
        if (bundle == null) {
            return Optional.empty();
        }
        byte[] manifest = resource(DIR + fileName(system) + ".json");
        if (manifest == null) {
            throw new IllegalStateException("The shipped base model " + DIR + fileName(system)
                    + ".bundle has no manifest " + fileName(system) + ".json");
        }
        String expected;
        try {
            expected = new com.fasterxml.jackson.databind.ObjectMapper().readTree(manifest).path("sha256").asText();
        } catch (IOException e) {
            throw new UncheckedIOException("The manifest of the shipped base model of " + system
                    + " is not JSON: " + e.getMessage(), e);
        }
        String actual = sha256(bundle);
        if (!actual.equals(expected)) {
            throw new IllegalStateException("The shipped base model of " + system + " does not match its manifest: "
                    + "sha256 " + actual + ", manifest says " + expected);
        }
        return Optional.of(bundle);
    }

    private static byte[] resource(String path) {
        try (InputStream in = BaseModels.class.getClassLoader().getResourceAsStream(path)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /** SHA-256 of bytes, lowercase hex. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
