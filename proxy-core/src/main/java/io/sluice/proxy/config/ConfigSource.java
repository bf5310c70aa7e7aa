package io.sluice.proxy.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Where a running config came from, for the admin API's provider edits: the variables it was resolved with (edits
 * add theirs, so a later edit sees an earlier one), the {@code .env} file edits are persisted to, the variables the
 * process environment sets (they outrank that file at the next start) and the providers the YAML file names (an
 * edit of those lasts until restart: the file, not {@code .env}, describes them).
 */
public final class ConfigSource {

    private final Path yaml;
    private final Path dotEnv;
    private final Map<String, String> env;
    private final Set<String> processVars;
    private final Set<String> fileProviders;

    public ConfigSource(Path yaml, Path dotEnv, Map<String, String> env, Set<String> processVars,
                        Set<String> fileProviders) {
        this.yaml = yaml;
        this.dotEnv = dotEnv;
        this.env = new HashMap<>(env);
        this.processVars = Set.copyOf(processVars);
        this.fileProviders = Set.copyOf(fileProviders);
    }

    /** A config built in code (tests, embedding): nothing to persist to, no variables. */
    public static ConfigSource none() {
        return new ConfigSource(null, null, Map.of(), Set.of(), Set.of());
    }

    /**
     * The source of {@code yaml} loaded with the process environment and the {@code .env} files
     * ({@link Environment#of}): edits go to the working directory's {@code .env} when it exists, else to the config
     * directory's when that exists, else to a new one in the working directory (the highest-precedence place).
     */
    public static ConfigSource of(Path yaml, Map<String, String> real, Path workingDir) {
        Path local = workingDir.toAbsolutePath().normalize().resolve(Environment.DOT_ENV);
        Path dir = yaml.toAbsolutePath().normalize().getParent();
        Path beside = dir == null ? null : dir.resolve(Environment.DOT_ENV);
        Path target = Files.isRegularFile(local) || beside == null || !Files.isRegularFile(beside) ? local : beside;
        return new ConfigSource(yaml, target, Environment.of(real, workingDir, yaml), real.keySet(),
                ConfigLoader.fileProviderNames(yaml));
    }

    /** The YAML file, or null. */
    public Path yaml() {
        return yaml;
    }

    /** The {@code .env} file edits are written to, or null when there is none to write. */
    public Path dotEnv() {
        return dotEnv;
    }

    /** The variables as resolved now (a copy). */
    public synchronized Map<String, String> env() {
        return Map.copyOf(env);
    }

    /** Records an edit's variables: {@code set} set, {@code remove} gone. */
    public synchronized void update(Map<String, String> set, Set<String> remove) {
        env.keySet().removeAll(remove);
        env.putAll(set);
    }

    /** Whether the process environment sets {@code var} (then it outranks {@code .env} at the next start). */
    public boolean fromProcess(String var) {
        return processVars.contains(var);
    }

    /** Whether the YAML file names provider {@code name}. */
    public boolean inFile(String name) {
        return fileProviders.contains(name);
    }
}
