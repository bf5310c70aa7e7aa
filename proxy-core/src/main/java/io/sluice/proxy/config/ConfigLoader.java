package io.sluice.proxy.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.sluice.providers.EnvProviders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads {@code sluice.yaml}: YAML → tree → {@code ${VAR}} substitution → validated records. Every error is a
 * {@link ConfigException} naming the key path and value, e.g.
 * {@code providers.openai.baseUrl: "ftp://x" (expected: http or https URL)}.
 *
 * <p>The sections are read by {@link FileSections}, {@link ProvidersSection}, {@link LimitsSection} and
 * {@link AccessSection}; this class reads the file and puts them together.
 */
public final class ConfigLoader {

    static final List<String> ROOT_KEYS = List.of("server", "upstream", "providers", "routing", "providersFromEnv",
            "resilience", "rateLimits", "concurrency", "usage", "logs", "access", "metrics", "dataDir",
            "claudeCliBypass", "tts", "systemPrompt", "thinkingBudget", "dedup", "responses", "state");
    /** Whether {@code <P>_ENABLED} variables add providers the file does not name ({@link EnvProviders}). */
    public static final boolean DEFAULT_PROVIDERS_FROM_ENV = true;

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION) // "port:" twice is a mistake, not an override
            .build();

    private ConfigLoader() {
    }

    /** Loads {@code yamlFile} with the process environment and {@code .env} files ({@link Environment#system}). */
    public static SluiceConfig load(Path yamlFile) {
        return load(yamlFile, Environment.system(yamlFile));
    }

    /** Loads {@code yamlFile}, resolving {@code ${VAR}} from {@code env}. Errors are prefixed with the file. */
    public static SluiceConfig load(Path yamlFile, Map<String, String> env) {
        String text;
        try {
            text = Files.readString(yamlFile, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(yamlFile + ": no such file", e);
        } catch (IOException e) {
            throw new ConfigException(yamlFile + ": cannot read (" + e + ")", e);
        }
        try {
            return parse(text, env);
        } catch (ConfigException e) {
            throw e.in(yamlFile);
        }
    }

    /** Parses YAML text, resolving {@code ${VAR}} from {@code env}. */
    public static SluiceConfig parse(String yaml, Map<String, String> env) {
        JsonNode tree = readTree(yaml);
        EnvSubstitutor.apply(tree, "", env);
        ConfigNode root = ConfigNode.root(tree).object(ROOT_KEYS);
        List<ProviderConfig> providers = ProvidersSection.read(root.get("providers"));
        if (root.get("providersFromEnv").bool(DEFAULT_PROVIDERS_FROM_ENV)) {
            providers.addAll(ProvidersSection.fromEnv(providers, env));
        }
        ConfigNode upstream = root.get("upstream").object(FileSections.UPSTREAM_KEYS);
        ProxySettings proxy = ProxySection.read(upstream, root.get("providers"), env);
        SluiceConfig config = new SluiceConfig(FileSections.server(root.get("server"), env),
                FileSections.upstream(upstream, proxy), providers,
                FileSections.routing(root.get("routing")), FileSections.resilience(root.get("resilience")),
                LimitsSection.rateLimits(root.get("rateLimits"), env),
                LimitsSection.concurrency(root.get("concurrency"), env),
                FileSections.ops(root.get("usage"), root.get("logs"), root.get("metrics"), root.get("dataDir"), env),
                AccessSection.read(root.get("access"), env),
                new ServicesConfig(FileSections.bypass(root.get("claudeCliBypass"), env),
                        TtsSection.read(root.get("tts"), env),
                        SystemPromptConfig.read(root.get("systemPrompt")),
                        ThinkingBudgetConfig.read(root.get("thinkingBudget")),
                        DedupSection.read(root.get("dedup"), env),
                        ResponsesSection.read(root.get("responses"), env)),
                StateSection.read(root.get("state"), env));
        return config;
    }

    /**
     * The provider names {@code yamlFile} itself configures (not the environment's); empty when it cannot be read:
     * loading it has reported that already.
     */
    public static Set<String> fileProviderNames(Path yamlFile) {
        Set<String> names = new LinkedHashSet<>();
        try {
            JsonNode providers = readTree(Files.readString(yamlFile, StandardCharsets.UTF_8)).path("providers");
            providers.fieldNames().forEachRemaining(names::add);
        } catch (IOException | ConfigException e) {
            return Set.of();
        }
        return names;
    }

    private static JsonNode readTree(String yaml) {
        try {
            JsonNode tree = YAML.readTree(yaml);
            // An empty file, or one with only comments, is a valid all-defaults config.
            return tree == null || tree.isMissingNode() || tree.isNull() ? JsonNodeFactory.instance.objectNode() : tree;
        } catch (JacksonException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new ConfigException("invalid YAML" + where + ": " + yamlProblem(e), e);
        }
    }

    /** The parser's one-line diagnosis, without the echoed source lines: they may hold a literal key. */
    private static String yamlProblem(JacksonException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException marked && marked.getProblem() != null) {
                String context = marked.getContext();
                return marked.getProblem() + (context == null ? "" : " (" + context + ")");
            }
        }
        String message = e.getOriginalMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
