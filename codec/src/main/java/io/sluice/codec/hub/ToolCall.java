package io.sluice.codec.hub;

/**
 * A function call the assistant made.
 *
 * @param arguments the arguments as JSON text, exactly as the model produced them (OpenAI's string form); {@code "{}"}
 *                  when the model gave none
 */
public record ToolCall(String id, String name, String arguments) {
}
