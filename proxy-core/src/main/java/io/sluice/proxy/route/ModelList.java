package io.sluice.proxy.route;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.sluice.codec.dialect.JsonIo;
import io.sluice.providers.ModelCapabilities;
import io.sluice.providers.ModelLimits;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A provider's model list: the ids, and what the provider reports of each model. OpenAI's and Anthropic's
 * {@code {"data":[{"id":…}]}} (OpenRouter adds {@code context_length}, {@code top_provider.max_completion_tokens},
 * {@code supported_parameters} and {@code architecture.input_modalities}; vLLM adds {@code max_model_len}), Gemini's
 * and Ollama's native {@code {"models":[{"name":…}]}} (Gemini adds {@code inputTokenLimit}, {@code outputTokenLimit}
 * and {@code thinking}; its {@code models/} prefix is removed). A figure not reported stays unknown.
 *
 * @param ids          model ids in the provider's order; ids {@link ModelRouter#invalid} refuses are skipped
 * @param capabilities lowercased model id → what the provider reported, only for models it reported something of
 */
record ModelList(List<String> ids, Map<String, ModelCapabilities> capabilities) {

    static ModelList parse(String body, int maxModels) throws IOException {
        Map<String, Boolean> ids = new LinkedHashMap<>();
        Map<String, ModelCapabilities> caps = new LinkedHashMap<>();
        try (JsonParser p = JsonIo.FACTORY.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("expected a JSON object");
            }
            boolean listSeen = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                boolean openAi = field.equals("data");
                if ((openAi || field.equals("models")) && v == JsonToken.START_ARRAY) {
                    listSeen = true;
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        Entry e = entry(p, openAi);
                        String id = e.id;
                        if (id != null && id.startsWith("models/")) {
                            id = id.substring("models/".length());
                        }
                        if (id != null && !id.isEmpty() && ModelRouter.invalid(id) == null && ids.size() < maxModels) {
                            ids.put(id, Boolean.TRUE);
                            ModelCapabilities c = e.capabilities();
                            if (!c.isUnknown()) {
                                caps.put(id.toLowerCase(Locale.ROOT), c);
                            }
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
            if (!listSeen) {
                throw new IOException("no data or models list in the response");
            }
        }
        return new ModelList(List.copyOf(ids.keySet()), Map.copyOf(caps));
    }

    private static Entry entry(JsonParser p, boolean openAi) throws IOException {
        Entry e = new Entry();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if (t == JsonToken.VALUE_STRING && name.equals(openAi ? "id" : "name")) {
                e.id = p.getText();
            } else if (t == JsonToken.VALUE_STRING && e.id == null && name.equals("model")) {
                e.id = p.getText(); // Ollama's native list has both name and model
            } else if (t == JsonToken.VALUE_NUMBER_INT) {
                switch (name) {
                    case "context_length", "max_model_len", "inputTokenLimit" -> e.context = positive(p);
                    case "outputTokenLimit" -> e.output = positive(p);
                    default -> { }
                }
            } else if (t == JsonToken.VALUE_TRUE && name.equals("thinking")) {
                e.reasoning = true; // Gemini: a thinking model
            } else if (t == JsonToken.START_OBJECT && (name.equals("top_provider") || name.equals("architecture"))) {
                nested(p, e);
            } else if (t == JsonToken.START_ARRAY && name.equals("supported_parameters")) {
                List<String> params = strings(p);
                e.reasoning = params.contains("reasoning") || params.contains("include_reasoning");
                e.tools = params.contains("tools");
            } else {
                p.skipChildren();
            }
        }
        return e;
    }

    /** OpenRouter's {@code top_provider} and {@code architecture} objects. */
    private static void nested(JsonParser p, Entry e) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if (t == JsonToken.VALUE_NUMBER_INT && name.equals("max_completion_tokens")) {
                e.output = positive(p);
            } else if (t == JsonToken.START_ARRAY && name.equals("input_modalities")) {
                e.vision = strings(p).contains("image");
            } else {
                p.skipChildren();
            }
        }
    }

    private static List<String> strings(JsonParser p) throws IOException {
        List<String> out = new java.util.ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == JsonToken.VALUE_STRING) {
                out.add(p.getText());
            } else {
                p.skipChildren();
            }
        }
        return out;
    }

    private static int positive(JsonParser p) throws IOException {
        long v = p.getLongValue();
        return v > 0 && v <= Integer.MAX_VALUE ? (int) v : 0;
    }

    /** One model object while it is read. */
    private static final class Entry {
        String id;
        int context;
        int output;
        Boolean reasoning;
        Boolean vision;
        Boolean tools;

        ModelCapabilities capabilities() {
            int out = context > 0 && output > context ? 0 : output; // a report that contradicts itself: unknown
            return new ModelCapabilities(ModelLimits.of(context, out), reasoning, vision, tools);
        }
    }
}
