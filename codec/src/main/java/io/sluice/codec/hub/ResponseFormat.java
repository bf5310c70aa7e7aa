package io.sluice.codec.hub;

/**
 * Structured output requested by the client.
 *
 * @param name   the schema's name ({@code json_schema.name}), or null
 * @param schema the JSON Schema as compact JSON text; set only for {@link Kind#JSON_SCHEMA}
 * @param strict OpenAI's {@code strict}, or null when unset
 */
public record ResponseFormat(Kind kind, String name, String schema, Boolean strict) {

    public enum Kind { TEXT, JSON_OBJECT, JSON_SCHEMA }

    public static final ResponseFormat JSON_OBJECT = new ResponseFormat(Kind.JSON_OBJECT, null, null, null);
}
