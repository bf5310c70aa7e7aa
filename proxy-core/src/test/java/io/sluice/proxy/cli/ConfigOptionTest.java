package io.sluice.proxy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.proxy.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigOptionTest {

    @TempDir
    Path tmp;

    private Path configUnder(Path dir) throws IOException {
        Path file = dir.resolve("conf/sluice.yaml");
        Files.createDirectories(file.getParent());
        return Files.writeString(file, "");
    }

    @Test
    void explicitFileWinsEvenIfMissing() throws IOException {
        Path work = Files.createDirectories(tmp.resolve("work"));
        configUnder(work);
        Path explicit = tmp.resolve("other.yaml");
        assertThat(ConfigOption.locate(explicit, work, null)).isEqualTo(explicit);
    }

    @Test
    void workingDirectoryComesBeforeSluiceHome() throws IOException {
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path local = configUnder(work);
        configUnder(home);
        assertThat(ConfigOption.locate(null, work, home.toString())).isEqualTo(local);
    }

    @Test
    void fallsBackToSluiceHome() throws IOException {
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path fromHome = configUnder(home);
        assertThat(ConfigOption.locate(null, work, home.toString())).isEqualTo(fromHome);
    }

    @Test
    void explainsWhereItLooked() throws IOException {
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path local = work.resolve("conf/sluice.yaml");
        assertThatThrownBy(() -> ConfigOption.locate(null, work, null))
                .isInstanceOf(ConfigException.class)
                .hasMessage("no config file: " + local + " does not exist and $SLUICE_HOME is not set "
                        + "(expected: -c <file>)");
        assertThatThrownBy(() -> ConfigOption.locate(null, work, home.toString()))
                .hasMessage("no config file: neither " + local + " nor " + home.resolve("conf/sluice.yaml")
                        + " exists (expected: -c <file>)");
    }

    @Test
    void defaultIsRelativeToTheWorkingDirectory() {
        assertThat(ConfigOption.DEFAULT_CONFIG).isEqualTo(Path.of("conf", "sluice.yaml"));
        assertThat(Path.of("").resolve(ConfigOption.DEFAULT_CONFIG)).isEqualTo(Path.of("conf/sluice.yaml"));
    }
}
