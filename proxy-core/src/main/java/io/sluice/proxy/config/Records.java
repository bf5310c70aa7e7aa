package io.sluice.proxy.config;

import io.sluice.providers.EnvProviders;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs a record constructor for a section reader. The records' errors name keys relative to the record, so they are
 * prefixed with where the values came from: the key path in the file, or the environment variable.
 */
final class Records {

    private Records() {
    }

    /** Builds a record from the file's values under {@code n}; errors are prefixed with its path. */
    static <T> T build(ConfigNode n, Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (ConfigException e) {
            throw e.under(n.path());
        }
    }

    /**
     * The environment flag {@code var} read the seeds' way (1/true/yes/on, 0/false/no/off): {@code fallback} when it is
     * unset or blank, a {@link ConfigException} naming it for anything else.
     */
    static boolean envFlag(Map<String, String> env, String var, boolean fallback) {
        String v = env.get(var);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return EnvProviders.truthy(var, v);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("environment: " + e.getMessage(), e);
        }
    }

    /** Builds a record from environment variables; errors name {@code var}. */
    static <T> T envBuild(String var, Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (ConfigException e) {
            throw new ConfigException("environment (" + var + "): " + e.getMessage(), e);
        }
    }
}
