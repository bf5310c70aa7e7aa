package io.sluice.proxy.service;

import io.sluice.providers.ModelLimits;
import io.sluice.proxy.json.JsonText;
import io.sluice.proxy.route.ModelRouter;
import java.util.List;
import java.util.Locale;

/**
 * One served model, and how each dialect's model API writes it: OpenAI's {@code model} object, Anthropic's
 * {@code ModelInfo}, Gemini's {@code Model}. Sluice knows no creation dates: OpenAI's {@code created} is 0 and
 * Anthropic's {@code created_at} the epoch. Gemini's token limits come from the provider catalog and are left out when
 * it does not know them.
 *
 * @param id      the id clients call it by
 * @param ownedBy the provider that serves it
 * @param route   where it routes (null for a listed id that no longer resolves)
 */
record ModelShapes(String id, String ownedBy, ModelRouter.Route route) {

    /** Anthropic's {@code created_at} for a model whose date Sluice does not know. */
    static final String UNKNOWN_DATE = "1970-01-01T00:00:00Z";
    static final List<String> GENERATE_METHODS = List.of("generateContent", "streamGenerateContent", "countTokens");
    static final List<String> EMBED_METHODS = List.of("embedContent", "batchEmbedContents", "countTokens");

    void openAi(JsonText out) {
        out.beginObject().field("id", id).field("object", "model").field("created", 0).field("owned_by", ownedBy)
                .end();
    }

    void anthropic(JsonText out) {
        out.beginObject().field("type", "model").field("id", id).field("display_name", id)
                .field("created_at", UNKNOWN_DATE).end();
    }

    void gemini(JsonText out) {
        ModelLimits limits = route == null ? null : route.provider().descriptor().limits(route.upstreamModel());
        out.beginObject().field("name", "models/" + id).field("baseModelId", id).field("version", "sluice")
                .field("displayName", id)
                .field("description", route == null ? "served by " + ownedBy
                        : route.upstreamModel() + " served by " + route.provider().name() + " through Sluice");
        if (limits != null && limits.knowsContext()) {
            out.field("inputTokenLimit", limits.contextWindow());
        }
        if (limits != null && limits.knowsOutput()) {
            out.field("outputTokenLimit", limits.maxOutputTokens());
        }
        out.stringArray("supportedGenerationMethods", embedding() ? EMBED_METHODS : GENERATE_METHODS).end();
    }

    /** An embedding model by its name (Gemini lists it with the embed methods): nothing better is known. */
    boolean embedding() {
        String m = (route == null ? id : route.upstreamModel()).toLowerCase(Locale.ROOT);
        return m.contains("embed");
    }
}
