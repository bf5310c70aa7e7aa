package io.sluice.proxy.cli;

import io.sluice.proxy.config.ConfigException;
import io.sluice.proxy.config.WritableFile;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code -c/--config <file>}, shared by the subcommands, with the default lookup when it is not given. */
final class ConfigOption {

    static final Path DEFAULT_CONFIG = Path.of("conf", "sluice.yaml");
    static final String HOME_VARIABLE = "SLUICE_HOME";

    @Option(names = {"-c", "--config"}, paramLabel = "<file>",
            description = "Config file (default: ./conf/sluice.yaml, else $SLUICE_HOME/conf/sluice.yaml).")
    Path file;

    /**
     * What {@code serve} refuses and {@code check-config} reports alike: a non-loopback bind without client keys
     * ({@link io.sluice.proxy.config.AccessConfig#checkExposure}), named after {@code file}.
     */
    static void checkExposure(io.sluice.proxy.config.SluiceConfig cfg, Path file) {
        try {
            cfg.access().checkExposure(cfg.server());
        } catch (ConfigException e) {
            throw e.in(file);
        }
    }

    /**
     * What {@code serve} would fail on at startup for the machine's files: a {@code usage.file} in a directory that
     * is missing and cannot be created, that is a directory, or that cannot be written; named after {@code file}.
     */
    static void checkFiles(io.sluice.proxy.config.SluiceConfig cfg, Path file) {
        try {
            WritableFile.check("usage.file", cfg.ops().usageFile());
        } catch (ConfigException e) {
            throw e.in(file);
        }
    }

    /** The config file to read. */
    Path resolve() {
        return locate(file, Path.of(""), System.getenv(HOME_VARIABLE));
    }

    /** {@code explicit} if given, else {@code workingDir/conf/sluice.yaml}, else {@code home/conf/sluice.yaml}. */
    static Path locate(Path explicit, Path workingDir, String home) {
        if (explicit != null) {
            return explicit;
        }
        Path local = workingDir.resolve(DEFAULT_CONFIG);
        if (Files.isRegularFile(local)) {
            return local;
        }
        if (home == null || home.isBlank()) {
            throw new ConfigException("no config file: " + local + " does not exist and $" + HOME_VARIABLE
                    + " is not set (expected: -c <file>)");
        }
        Path fromHome = Path.of(home).resolve(DEFAULT_CONFIG);
        if (Files.isRegularFile(fromHome)) {
            return fromHome;
        }
        throw new ConfigException("no config file: neither " + local + " nor " + fromHome
                + " exists (expected: -c <file>)");
    }
}
