package io.sluice.providers;

import io.sluice.codec.dialect.Dialects;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything Sluice knows about one kind of provider: where it lives, how it takes a key, which wire format it speaks,
 * which models it serves by default, how clients name them, which environment variables configure it, and what it
 * does differently. Pure data plus small functions; the proxy builds its routes and upstream requests from these.
 *
 * <p>Add a provider by adding one descriptor to {@link ProviderCatalog#BUILT_IN}, or from another jar through a
 * {@link Source} listed in {@code META-INF/services/io.sluice.providers.ProviderDescriptor$Source}.
 */
public final class ProviderDescriptor {

    /** Contributes descriptors from outside this module ({@link java.util.ServiceLoader}). */
    public interface Source {
        List<ProviderDescriptor> descriptors();
    }

    /** How operation paths are laid out under the base URL. */
    public enum PathStyle {
        /** {@code /chat/completions}, {@code /embeddings}, {@code /images/generations} (or the dialect's own path). */
        STANDARD,
        /** Azure OpenAI: {@code /openai/deployments/{model}/chat/completions?api-version=…}. */
        AZURE_DEPLOYMENT
    }

    public static final Pattern ID_PATTERN = Pattern.compile("[a-z0-9][a-z0-9_-]*");
    /** Option of {@link PathStyle#AZURE_DEPLOYMENT}: the {@code api-version} query parameter. */
    public static final String OPTION_API_VERSION = "apiVersion";
    /** Option of {@link AuthScheme#COPILOT_TOKEN_EXCHANGE}: where GitHub tokens are exchanged. */
    public static final String OPTION_TOKEN_URL = "tokenUrl";
    /** A model id that goes into a URL path must be this plain (no traversal, no separators, no escapes). */
    private static final Pattern PATH_SAFE_MODEL = Pattern.compile("[A-Za-z0-9._-]+");

    private final String id;
    private final String displayName;
    private final List<String> aliases;
    private final String dialect;
    private final URI defaultBaseUrl;
    private final AuthScheme auth;
    private final List<String> envPrefixes;
    private final List<String> keyVars;
    private final List<String> baseUrlVars;
    private final String modelPrefix;
    private final List<String> models;
    private final Map<String, String> headers;
    private final Set<Capability> capabilities;
    private final Quirks quirks;
    private final PathStyle pathStyle;
    private final Map<String, String> options;
    private final Map<String, String> envOptions;
    private final boolean compatibleFamily;
    private final boolean keyOptional;
    private final String modelsPath;
    private final String bareHostPath;
    private final boolean enabledByKey;
    private final String seedIdName;
    private final long defaultRateLimit;
    private final int defaultMaxConcurrent;
    private final boolean discoverByDefault;
    private final Map<String, ModelLimits> limits;
    private final Map<String, ModelCapabilities> modelCapabilities;

    private ProviderDescriptor(Builder b) {
        if (b.id == null || !ID_PATTERN.matcher(b.id).matches()) {
            throw new IllegalArgumentException("id: " + b.id + " (expected: matching " + ID_PATTERN + ")");
        }
        if (!Dialects.ALL.stream().anyMatch(d -> d.name().equals(b.dialect))) {
            throw new IllegalArgumentException(b.id + ": dialect " + b.dialect + " (expected: a codec dialect name)");
        }
        this.id = b.id;
        this.displayName = b.displayName == null ? b.id : b.displayName;
        this.aliases = List.copyOf(b.aliases);
        this.dialect = b.dialect;
        this.defaultBaseUrl = b.defaultBaseUrl == null ? null : URI.create(b.defaultBaseUrl);
        this.auth = b.auth;
        this.envPrefixes = List.copyOf(b.envPrefixes);
        this.keyVars = List.copyOf(b.keyVars);
        this.baseUrlVars = List.copyOf(b.baseUrlVars);
        this.modelPrefix = b.modelPrefix;
        this.models = List.copyOf(b.models);
        this.headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.headers));
        this.capabilities = java.util.Collections.unmodifiableSet(EnumSet.copyOf(b.capabilities));
        this.quirks = b.quirks;
        this.pathStyle = b.pathStyle;
        this.options = Map.copyOf(b.options);
        this.envOptions = Map.copyOf(b.envOptions);
        this.compatibleFamily = b.compatibleFamily;
        this.keyOptional = b.keyOptional || b.auth.keyOptional();
        this.modelsPath = b.modelsPath;
        this.bareHostPath = b.bareHostPath;
        this.enabledByKey = b.enabledByKey;
        this.seedIdName = b.seedIdName;
        this.defaultRateLimit = b.defaultRateLimit;
        this.defaultMaxConcurrent = b.defaultMaxConcurrent;
        this.discoverByDefault = b.discoverByDefault;
        Map<String, ModelLimits> l = new java.util.HashMap<>();
        b.limits.forEach((m, v) -> l.put(m.toLowerCase(java.util.Locale.ROOT), v));
        this.limits = Map.copyOf(l);
        Map<String, ModelCapabilities> c = new java.util.HashMap<>();
        b.modelCapabilities.forEach((m, v) -> c.put(m.toLowerCase(java.util.Locale.ROOT), v));
        this.modelCapabilities = Map.copyOf(c);
    }

    public static Builder builder(String id) {
        return new Builder(id);
    }

    /** The type name used in config ({@code type: github-models}) and the default provider name. */
    public String id() {
        return id;
    }

    public String displayName() {
        return displayName;
    }

    /** Other type names accepted in config, the seeds' spellings ({@code atlas}, {@code githubcopilot}, …). */
    public List<String> aliases() {
        return aliases;
    }

    /** The codec dialect name this provider speaks: {@code openai}, {@code anthropic}, {@code gemini}. */
    public String dialect() {
        return dialect;
    }

    /** The API root when none is configured; null when the base URL must be configured. */
    public URI defaultBaseUrl() {
        return defaultBaseUrl;
    }

    public AuthScheme auth() {
        return auth;
    }

    /**
     * Environment variable prefixes, canonical first: {@code OPENAI} → {@code OPENAI_ENABLED}, {@code OPENAI_API_KEY}.
     */
    public List<String> envPrefixes() {
        return envPrefixes;
    }

    /** Further variables holding keys, each also numbered ({@code GITHUB_TOKEN}, {@code GITHUB_TOKEN_2}, …). */
    public List<String> keyVars() {
        return keyVars;
    }

    /** Further variables holding the base URL ({@code AZURE_OPENAI_ENDPOINT}). */
    public List<String> baseUrlVars() {
        return baseUrlVars;
    }

    /**
     * The seed's special prefix clients use for this provider's models ({@code atlas-}, {@code ext-copilot-}), or
     * null. Every provider also answers to {@code ext-<name>-} and {@code <name>/}.
     */
    public String modelPrefix() {
        return modelPrefix;
    }

    /** The models served when the config lists none. */
    public List<String> models() {
        return models;
    }

    /** Headers sent with every request to this provider (before the configured ones, which win). */
    public Map<String, String> headers() {
        return headers;
    }

    public Set<Capability> capabilities() {
        return capabilities;
    }

    public boolean supports(Operation op) {
        return op.needs() == null || capabilities.contains(op.needs());
    }

    public Quirks quirks() {
        return quirks;
    }

    public PathStyle pathStyle() {
        return pathStyle;
    }

    /** Option names this provider takes, with their defaults. */
    public Map<String, String> options() {
        return options;
    }

    /** Environment variable suffix → option name ({@code API_VERSION} → {@code apiVersion}). */
    public Map<String, String> envOptions() {
        return envOptions;
    }

    /**
     * True for the generic {@code openai-compatible} and {@code anthropic-compatible} types, which also name
     * providers dynamically: a provider called {@code openai-compatible-local} has this type.
     */
    public boolean compatibleFamily() {
        return compatibleFamily;
    }

    /**
     * Where the provider lists its models ({@code GET <base>/models}: OpenAI's {@code data[].id}, Gemini's
     * {@code models[].name}), or null when it has no such list Sluice can read (Azure, Copilot, the mock).
     */
    public String modelsPath() {
        return modelsPath;
    }

    /**
     * The API path a base URL given as a bare host gets ({@code /v1} for Ollama, whose seed value is
     * {@code http://localhost:11434}: its OpenAI-compatible API lives under {@code /v1}), or null to take it as it is.
     */
    public String bareHostPath() {
        return bareHostPath;
    }

    /**
     * Whether its key variable alone turns the provider on when no {@code _ENABLED} says either way: the GitHub-Models
     * seed starts from {@code GITHUB_TOKEN} alone.
     */
    public boolean enabledByKey() {
        return enabledByKey;
    }

    /**
     * The provider's name in the seeds' {@code ext-<name>-<model>} ids when it differs from the type's id
     * ({@code google} for gemini: {@code ext-google-gemini-pro}), else null.
     */
    public String seedIdName() {
        return seedIdName;
    }

    /** Requests per minute the provider allows when nothing is configured (a free tier's), 0 for no default. */
    public long defaultRateLimit() {
        return defaultRateLimit;
    }

    /** Concurrent upstream calls the provider allows when nothing is configured, 0 for no default. */
    public int defaultMaxConcurrent() {
        return defaultMaxConcurrent;
    }

    /** Whether the provider's own model list is fetched unless the config says otherwise (local servers). */
    public boolean discoverByDefault() {
        return discoverByDefault;
    }

    /**
     * The context window and output cap of {@code model} (an upstream model id, case-insensitive) from the catalog's
     * sourced figures, or null when they are not known for this provider type.
     */
    public ModelLimits limits(String model) {
        return model == null ? null : limits.get(model.toLowerCase(java.util.Locale.ROOT));
    }

    /**
     * What the catalog knows of {@code model} (an upstream model id, case-insensitive) for this provider type: its
     * limits and its reasoning, vision and tool flags; {@link ModelCapabilities#UNKNOWN} when nothing is known.
     */
    public ModelCapabilities modelCapabilities(String model) {
        if (model == null) {
            return ModelCapabilities.UNKNOWN;
        }
        String key = model.toLowerCase(java.util.Locale.ROOT);
        ModelCapabilities c = modelCapabilities.getOrDefault(key, ModelCapabilities.UNKNOWN);
        ModelLimits l = limits.get(key);
        return l == null ? c : c.withLimits(l);
    }

    /** Whether the provider is useless without a key (a local server or the mock needs none). */
    public boolean keyRequired() {
        return !keyOptional;
    }

    /** Whether {@code model} is sent inside the URL path for {@code op} (Gemini, Azure deployments). */
    public boolean modelInPath(Operation op) {
        return pathStyle == PathStyle.AZURE_DEPLOYMENT
                || (op != Operation.IMAGES && dialect.equals("gemini"));
    }

    /** Whether {@code model} may be put into a URL path: letters, digits, dot, underscore, dash. */
    public static boolean pathSafe(String model) {
        return model != null && PATH_SAFE_MODEL.matcher(model).matches() && !model.equals(".") && !model.equals("..");
    }

    /**
     * The request path (with query) under the base URL's path for {@code op}; {@code options} are the provider's
     * resolved options ({@link #options()} overlaid with configured ones).
     *
     * @param dialectName the dialect actually spoken (a provider may be configured for the Responses API)
     */
    public String path(Operation op, String dialectName, String model, boolean stream, Map<String, String> options) {
        if (pathStyle == PathStyle.AZURE_DEPLOYMENT) {
            String tail = switch (op) {
                case CHAT -> dialectName.equals("responses") ? null : "/chat/completions";
                case EMBEDDINGS -> "/embeddings";
                case IMAGES -> "/images/generations";
            };
            String version = URLEncoder.encode(options.getOrDefault(OPTION_API_VERSION,
                    this.options.get(OPTION_API_VERSION)), StandardCharsets.UTF_8);
            if (tail == null) {
                return "/openai/v1/responses?api-version=" + version;
            }
            return "/openai/deployments/" + URLEncoder.encode(model, StandardCharsets.UTF_8) + tail
                    + "?api-version=" + version;
        }
        return switch (op) {
            case CHAT -> Dialects.byName(dialectName).path(model, stream);
            // Gemini's own embeddings API; every request goes as a batch (one call, any number of inputs)
            case EMBEDDINGS -> dialectName.equals("gemini") ? "/models/" + model + ":batchEmbedContents"
                    : "/embeddings";
            case IMAGES -> "/images/generations";
        };
    }

    @Override
    public String toString() {
        return "ProviderDescriptor[" + id + "]";
    }

    /** Builds a descriptor; defaults: openai dialect, Bearer auth, env prefix = upper-cased id, streaming + tools. */
    public static final class Builder {
        private final String id;
        private String displayName;
        private final List<String> aliases = new ArrayList<>();
        private String dialect = "openai";
        private String defaultBaseUrl;
        private AuthScheme auth = AuthScheme.BEARER;
        private final List<String> envPrefixes = new ArrayList<>();
        private final List<String> keyVars = new ArrayList<>();
        private final List<String> baseUrlVars = new ArrayList<>();
        private String modelPrefix;
        private final List<String> models = new ArrayList<>();
        private final Map<String, String> headers = new LinkedHashMap<>();
        private final EnumSet<Capability> capabilities = EnumSet.of(Capability.STREAMING, Capability.TOOLS);
        private Quirks quirks = Quirks.NONE;
        private PathStyle pathStyle = PathStyle.STANDARD;
        private final Map<String, String> options = new LinkedHashMap<>();
        private final Map<String, String> envOptions = new LinkedHashMap<>();
        private boolean compatibleFamily;
        private boolean keyOptional;
        private String modelsPath = "/models";
        private String bareHostPath;
        private boolean enabledByKey;
        private String seedIdName;
        private long defaultRateLimit;
        private int defaultMaxConcurrent;
        private boolean discoverByDefault;
        private final Map<String, ModelLimits> limits = new LinkedHashMap<>();
        private final Map<String, ModelCapabilities> modelCapabilities = new LinkedHashMap<>();

        private Builder(String id) {
            this.id = id;
        }

        public Builder displayName(String v) {
            displayName = v;
            return this;
        }

        public Builder aliases(String... v) {
            aliases.addAll(List.of(v));
            return this;
        }

        public Builder dialect(String v) {
            dialect = v;
            return this;
        }

        public Builder baseUrl(String v) {
            defaultBaseUrl = v;
            return this;
        }

        public Builder auth(AuthScheme v) {
            auth = v;
            return this;
        }

        /** Env prefixes, canonical first; default is the id upper-cased with {@code -} as {@code _}. */
        public Builder env(String... prefixes) {
            envPrefixes.addAll(List.of(prefixes));
            return this;
        }

        public Builder keyVars(String... v) {
            keyVars.addAll(List.of(v));
            return this;
        }

        public Builder baseUrlVars(String... v) {
            baseUrlVars.addAll(List.of(v));
            return this;
        }

        public Builder modelPrefix(String v) {
            modelPrefix = v;
            return this;
        }

        public Builder models(List<String> v) {
            models.addAll(v);
            return this;
        }

        public Builder models(String... v) {
            return models(List.of(v));
        }

        public Builder header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        public Builder capabilities(Capability... v) {
            capabilities.addAll(List.of(v));
            return this;
        }

        public Builder quirks(Quirks v) {
            quirks = v;
            return this;
        }

        public Builder pathStyle(PathStyle v) {
            pathStyle = v;
            return this;
        }

        public Builder option(String name, String defaultValue, String envSuffix) {
            options.put(name, defaultValue);
            if (envSuffix != null) {
                envOptions.put(envSuffix, name);
            }
            return this;
        }

        /** Where the model list is, or null for none. */
        public Builder seedIdName(String v) {
            seedIdName = v;
            return this;
        }

        public Builder enabledByKey() {
            enabledByKey = true;
            return this;
        }

        /** The provider's own limits when nothing is configured: requests per minute and concurrent calls. */
        public Builder defaultLimits(long perMinute, int maxConcurrent) {
            defaultRateLimit = perMinute;
            defaultMaxConcurrent = maxConcurrent;
            return this;
        }

        public Builder bareHostPath(String v) {
            bareHostPath = v;
            return this;
        }

        public Builder modelsPath(String v) {
            modelsPath = v;
            return this;
        }

        /** Sourced context windows and output caps of models of this type, by upstream model id. */
        public Builder limits(Map<String, ModelLimits> v) {
            limits.putAll(v);
            return this;
        }

        /** Sourced reasoning, vision and tool flags of models of this type, by upstream model id. */
        public Builder modelCapabilities(Map<String, ModelCapabilities> v) {
            modelCapabilities.putAll(v);
            return this;
        }

        /** Fetch the provider's model list unless configured otherwise. */
        public Builder discoverModels() {
            discoverByDefault = true;
            return this;
        }

        /** Keys are used when configured but not required (local servers). */
        public Builder keyOptional() {
            keyOptional = true;
            return this;
        }

        public Builder compatibleFamily() {
            compatibleFamily = true;
            return this;
        }

        public ProviderDescriptor build() {
            if (envPrefixes.isEmpty() && id != null) {
                envPrefixes.add(id.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
            }
            return new ProviderDescriptor(this);
        }
    }
}
