package io.hybridcast.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/** Each installation makes its own random key once, keeps it owner-only and reuses it on restart. */
class InstallationKeyTest {

    @Test
    void aKeyIsMadeOncePerInstallationOwnerOnlyAndReused(@TempDir Path one, @TempDir Path two) throws Exception {
        Path file = InstallationKey.file(one);
        String first = InstallationKey.loadOrCreate(file);
        assertThat(first).matches("[0-9a-f]{64}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(InstallationKey.loadOrCreate(file)).isEqualTo(first); // a restart on the same data
        assertThat(InstallationKey.loadOrCreate(InstallationKey.file(two))).isNotEqualTo(first);
    }

    @Test
    void aKeyFileOthersCanReadIsMadeOwnerOnly(@TempDir Path dir) throws Exception {
        Path file = InstallationKey.file(dir);
        String key = InstallationKey.loadOrCreate(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(InstallationKey.loadOrCreate(file)).isEqualTo(key);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void withoutADataFolderTheKeyLivesInTheUsersCache() {
        assertThat(InstallationKey.file(null).toString()).endsWith("hybridcast/" + InstallationKey.FILE_NAME);
    }
}
