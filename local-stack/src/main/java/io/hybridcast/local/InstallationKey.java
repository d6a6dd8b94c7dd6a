package io.hybridcast.local;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * The local stack's model-signing key: 256 random bits made on first use and kept in a file readable by its
 * owner only (0600), so every installation has its own key, a restart on the same data reuses it, and no key
 * is a constant anyone can read in the source. The trainer signs model versions with it and the streams app
 * checks them; another trainer pointed at the local broker needs the same file's content.
 */
public final class InstallationKey {

    private static final Logger LOG = LoggerFactory.getLogger(InstallationKey.class);
    /** File name of the key, in the data folder (or the cache folder without one). */
    public static final String FILE_NAME = "model-hmac.key";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private InstallationKey() {
    }

    /** Where the key lives: {@code dataDir} when given, else {@code $XDG_CACHE_HOME} or {@code ~/.cache}. */
    public static Path file(Path dataDir) {
        if (dataDir != null) {
            return dataDir.resolve(FILE_NAME);
        }
        String cache = System.getenv("XDG_CACHE_HOME");
        Path base = cache == null || cache.isBlank() ? Path.of(System.getProperty("user.home"), ".cache")
                : Path.of(cache);
        return base.resolve("hybridcast").resolve(FILE_NAME);
    }

    /** The key in {@code file}, made there first when there is none; owner-only permissions are enforced. */
    public static String loadOrCreate(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (!Files.exists(file)) {
                create(file);
            }
            restrict(file);
            String key = Files.readString(file, StandardCharsets.US_ASCII).strip();
            if (key.length() < 32) {
                throw new IllegalStateException("The model-signing key file " + file + " holds " + key.length()
                        + " characters; delete it to have a new key made");
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the model-signing key file " + file + ": " + e, e);
        }
    }

    private static void create(Path file) throws IOException {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), FILE_NAME, ".tmp");
        try {
            restrict(temp); // before the key is written, never after
            Files.writeString(temp, HexFormat.of().formatHex(random) + "\n", StandardCharsets.US_ASCII);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            LOG.info("Made a new model-signing key for this installation in {} (owner-only)", file);
        } catch (FileAlreadyExistsException e) {
            // another process made it first: use that one
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void restrict(Path file) throws IOException {
        try {
            if (!Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
                Files.setPosixFilePermissions(file, OWNER_ONLY);
            }
        } catch (UnsupportedOperationException e) {
            LOG.warn("{}: the file system has no POSIX permissions; keep this key file private", file);
        }
    }
}
