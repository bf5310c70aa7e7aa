package io.sluice.proxy.config;

import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The runtime settings of one server, by name, each kept in {@code <dataDir>/settings/<name>.json}. Registered once
 * at start by the services that read them; the admin API lists, reads, changes and resets them.
 */
public final class SettingsStore {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]*");

    private final Path dir;
    private final Map<String, Setting<?>> settings = new LinkedHashMap<>();

    /** @param dataDir the data directory, or null to keep settings in memory only */
    public SettingsStore(Path dataDir) {
        this.dir = dataDir == null ? null : dataDir.resolve("settings");
    }

    /** Settings in memory only (tests, embedding). */
    public static SettingsStore inMemory() {
        return new SettingsStore(null);
    }

    /**
     * Registers setting {@code name} with its YAML value; its kept file, when there is one, wins (a bad one stops
     * start with a {@link ConfigException} naming it).
     */
    public synchronized <T> Setting<T> register(String name, T yamlValue, Setting.Codec<T> codec) {
        if (!NAME.matcher(name).matches() || settings.containsKey(name)) {
            throw new IllegalArgumentException("setting name " + name);
        }
        Setting<T> s = new Setting<>(name, yamlValue, codec, dir == null ? null : dir.resolve(name + ".json"));
        settings.put(name, s);
        return s;
    }

    /** The setting named {@code name}, or null. */
    public synchronized Setting<?> get(String name) {
        return settings.get(name);
    }

    public synchronized Collection<Setting<?>> all() {
        return java.util.List.copyOf(settings.values());
    }
}
