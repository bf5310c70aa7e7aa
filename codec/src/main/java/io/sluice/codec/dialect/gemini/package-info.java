/**
 * Google Gemini {@code generativelanguage v1beta} ({@code generateContent} / {@code streamGenerateContent?alt=sse}).
 *
 * <p>Gemini carries the model and the stream flag in the URL, streams whole {@code GenerateContentResponse} objects
 * as {@code data: …\r\n\r\n} events without a terminal event, sends whole function calls (arguments as objects, never
 * fragments) and validates tool schemas against an OpenAPI 3.0 subset ({@link
 * io.sluice.codec.dialect.gemini.GeminiSchemaCleaner}).
 */
package io.sluice.codec.dialect.gemini;
