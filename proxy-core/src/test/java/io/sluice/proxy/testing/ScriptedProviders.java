package io.sluice.proxy.testing;

import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.route.ModelRouter;
import io.sluice.proxy.testing.ScriptedLlm.Wire;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sluice in front of one {@link ScriptedLlm} per provider dialect: providers {@code p-openai} (OpenAI chat),
 * {@code p-anthropic}, {@code p-gemini} and {@code p-responses} (an OpenAI-compatible server spoken to in the
 * Responses API), each with one chat model and, for OpenAI and Gemini, an embeddings model.
 */
public final class ScriptedProviders implements AutoCloseable {

    private final Map<Wire, TestUpstream> upstreams = new EnumMap<>(Wire.class);
    private final Map<Wire, ScriptedLlm> scripts = new EnumMap<>(Wire.class);
    /** Provider dialect label → the chat model id clients name ({@code p-openai/gpt-4o}). */
    private final Map<String, String> models = new LinkedHashMap<>();
    /** Provider dialect label → its embeddings model id, for those that have one. */
    private final Map<String, String> embedModels = new LinkedHashMap<>();
    private final SluiceServer sluice;

    public ScriptedProviders() throws InterruptedException {
        for (Wire w : Wire.values()) {
            ScriptedLlm script = new ScriptedLlm(w);
            scripts.put(w, script);
            upstreams.put(w, new TestUpstream(script));
        }
        String key = TestConfig.UPSTREAM_KEY;
        sluice = TestConfig.config().providersYaml(
                "  p-openai:\n    type: openai-compatible\n    baseUrl: " + url(Wire.OPENAI, "/v1")
                + "    apiKey: " + key + "\n    models: [gpt-4o, text-embedding-3-small]\n"
                + "  p-anthropic:\n    type: anthropic\n    baseUrl: " + url(Wire.ANTHROPIC, "/v1")
                + "    apiKey: " + key + "\n    models: [claude-sonnet-4-5]\n"
                + "  p-gemini:\n    type: gemini\n    baseUrl: " + url(Wire.GEMINI, "/v1beta")
                + "    apiKey: " + key + "\n    models: [gemini-2.5-flash, text-embedding-004]\n"
                + "  p-responses:\n    type: openai-compatible\n    dialect: responses\n"
                + "    baseUrl: " + url(Wire.RESPONSES, "/v1")
                + "    apiKey: " + key + "\n    models: [gpt-4.1]\n").start();
        models.put("openai", "p-openai/gpt-4o");
        models.put("anthropic", "p-anthropic/claude-sonnet-4-5");
        models.put("gemini", "p-gemini/gemini-2.5-flash");
        models.put("responses", "p-responses/gpt-4.1");
        embedModels.put("openai", "p-openai/text-embedding-3-small");
        embedModels.put("gemini", "p-gemini/text-embedding-004");
    }

    private String url(Wire w, String path) {
        return "http://127.0.0.1:" + upstreams.get(w).port() + path + "\n";
    }

    public SluiceServer sluice() {
        return sluice;
    }

    public Map<String, String> models() {
        return models;
    }

    public Map<String, String> embedModels() {
        return embedModels;
    }

    public ScriptedLlm script(Wire w) {
        return scripts.get(w);
    }

    /** Each chat model id → the id {@code /v1/models} lists it under (its public id). */
    public Map<String, String> listedIds() {
        Map<String, String> listed = new LinkedHashMap<>();
        models.forEach((dialect, id) -> {
            int slash = id.indexOf('/');
            ProviderConfig p = sluice.config().provider(id.substring(0, slash)).orElseThrow();
            listed.put(id, ModelRouter.publicId(p, id.substring(slash + 1), sluice.config().routing().seedIds()));
        });
        return listed;
    }

    @Override
    public void close() {
        sluice.close();
        upstreams.values().forEach(TestUpstream::close);
    }
}
