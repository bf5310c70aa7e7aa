package io.sluice.codec.hub;

/**
 * A function the model may call.
 *
 * @param parameters   the JSON Schema of the arguments as compact JSON text, or null for none
 * @param strict       OpenAI structured-output strictness, or null when unset
 * @param cacheControl raw {@code cache_control} JSON (Anthropic), or null
 */
public record Tool(String name, String description, String parameters, Boolean strict, String cacheControl) {
}
