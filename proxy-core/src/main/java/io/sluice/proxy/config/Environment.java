package io.sluice.proxy.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The variables {@code ${VAR}} in the config file can refer to: the process environment, plus {@code .env} files
 * in the working directory and next to the config file. Precedence, highest first: real environment variables,
 * then the working directory's {@code .env}, then the config directory's {@code .env}.
 */
public final class Environment {

    public static final String DOT_ENV = ".env";

    private Environment() {
    }

    /** The process environment merged with the {@code .env} files for {@code configFile}. */
    public static Map<String, String> system(Path configFile) {
        return of(System.getenv(), Path.of("").toAbsolutePath(), configFile);
    }

    /** {@code real} merged with {@code workingDir/.env} and {@code configFile}'s sibling {@code .env}. */
    public static Map<String, String> of(Map<String, String> real, Path workingDir, Path configFile) {
        Set<Path> dotEnvFiles = new LinkedHashSet<>(); // lowest precedence first; one directory is read once
        Path configDir = configFile.toAbsolutePath().normalize().getParent();
        if (configDir != null) {
            dotEnvFiles.add(configDir.resolve(DOT_ENV));
        }
        dotEnvFiles.add(workingDir.toAbsolutePath().normalize().resolve(DOT_ENV));

        Map<String, String> merged = new HashMap<>();
        for (Path file : dotEnvFiles) {
            merged.putAll(readDotEnv(file));
        }
        merged.putAll(real);
        return Map.copyOf(merged);
    }

    /** The variables of a {@code .env} file; empty if there is no such file. */
    public static Map<String, String> readDotEnv(Path file) {
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        try {
            return DotEnvParser.parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read (" + e + ")", e);
        }
    }

    /**
     * Parses {@code .env} text: {@code KEY=VALUE} lines, {@code #} comments, an optional {@code export } prefix,
     * values optionally in single quotes (literal) or double quotes ({@code \n}, {@code \"}, {@code \\} escapes).
     *
     * @param source names the text in error messages, e.g. the file path
     */
    public static Map<String, String> parseDotEnv(String text, String source) {
        return DotEnvParser.parse(text, source);
    }
}
