package io.sluice.codec.dialect.responses;

import com.fasterxml.jackson.core.JsonGenerator;
import io.sluice.codec.hub.HubError;
import io.sluice.codec.hub.HubRequest;
import io.sluice.codec.hub.ResponseFormat;
import io.sluice.codec.hub.Tool;
import io.sluice.codec.hub.ToolChoice;
import io.sluice.codec.json.Usage;
import java.io.IOException;
import java.util.List;

/**
 * Writes the Responses {@code response} object (stream lifecycle events and the non-streaming body) and its output
 * items.
 *
 * <p>openai-java 4.8.0's {@code Response} requires {@code id, created_at, error, incomplete_details, instructions,
 * metadata, model, output, parallel_tool_calls, temperature, tool_choice, tools, top_p} to be present (null allowed
 * where nullable), and its {@code ResponseUsage} requires all five counts: a count the provider did not report is
 * written as 0 there (usage itself is null when none was reported). Request settings are echoed from the client's
 * request when the encoder has it; {@code instructions} is not echoed (null) to keep the events small.
 */
final class ResponseObjectWriter {

    static final String COMPLETED = "completed";
    static final String INCOMPLETE = "incomplete";
    static final String IN_PROGRESS = "in_progress";
    static final String FAILED = "failed";

    private ResponseObjectWriter() {
    }

    /**
     * @param items            the output so far (null or empty for none)
     * @param usage            null when unknown
     * @param incompleteReason {@code max_output_tokens} / {@code content_filter} for status incomplete, else null
     * @param error            the failure for status failed, else null
     * @param request          the client's request, for echoing settings; null writes the API's defaults
     */
    static void write(JsonGenerator g, String id, long created, String status, String model, List<OutputItem> items,
                      Usage usage, String incompleteReason, HubError error, HubRequest request) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", id);
        g.writeStringField("object", "response");
        g.writeNumberField("created_at", created);
        g.writeStringField("status", status);
        g.writeBooleanField("background", false);
        if (error == null) {
            g.writeNullField("error");
        } else {
            g.writeFieldName("error");
            g.writeStartObject();
            g.writeStringField("code", ResponsesErrors.failedCode(error));
            g.writeStringField("message", error.message());
            g.writeEndObject();
        }
        if (incompleteReason == null) {
            g.writeNullField("incomplete_details");
        } else {
            g.writeFieldName("incomplete_details");
            g.writeStartObject();
            g.writeStringField("reason", incompleteReason);
            g.writeEndObject();
        }
        g.writeNullField("instructions");
        if (request != null && request.maxTokens != null) {
            g.writeNumberField("max_output_tokens", request.maxTokens);
        } else {
            g.writeNullField("max_output_tokens");
        }
        g.writeStringField("model", model);
        g.writeFieldName("output");
        g.writeStartArray();
        if (items != null) {
            for (OutputItem item : items) {
                writeItem(g, item, false);
            }
        }
        g.writeEndArray();
        g.writeBooleanField("parallel_tool_calls", request == null || request.parallelToolCalls == null
                || request.parallelToolCalls);
        g.writeNullField("previous_response_id");
        g.writeFieldName("reasoning");
        g.writeStartObject();
        if (request != null && request.reasoning != null) {
            g.writeStringField("effort", request.reasoning.effortLevel());
        } else {
            g.writeNullField("effort");
        }
        g.writeNullField("summary");
        g.writeEndObject();
        g.writeBooleanField("store", false);
        writeNumberOrNull(g, "temperature", request == null ? null : request.temperature);
        writeText(g, request == null ? null : request.responseFormat);
        writeToolChoice(g, request == null ? null : request.toolChoice);
        g.writeFieldName("tools");
        g.writeStartArray();
        if (request != null) {
            for (Tool t : request.tools) {
                writeTool(g, t);
            }
        }
        g.writeEndArray();
        writeNumberOrNull(g, "top_p", request == null ? null : request.topP);
        g.writeStringField("truncation", "disabled");
        g.writeFieldName("usage");
        writeUsage(g, usage);
        if (request != null && request.user != null) {
            g.writeStringField("user", request.user);
        } else {
            g.writeNullField("user");
        }
        g.writeFieldName("metadata");
        g.writeStartObject();
        g.writeEndObject();
        g.writeEndObject();
    }

    /**
     * One output item; {@code added} writes the shape of {@code output_item.added} (in progress, empty content, empty
     * arguments, no summary), else the item as it stands with its own status.
     */
    static void writeItem(JsonGenerator g, OutputItem item, boolean added) throws IOException {
        String status = added ? IN_PROGRESS : item.status;
        g.writeStartObject();
        g.writeStringField("id", item.id);
        switch (item.kind) {
            case REASONING -> {
                g.writeStringField("type", "reasoning");
                if (!added && item.signature != null) {
                    g.writeStringField("encrypted_content", item.signature);
                }
                g.writeFieldName("summary");
                g.writeStartArray();
                if (!added && !item.text.isEmpty()) {
                    writeSummaryPart(g, item.text);
                }
                g.writeEndArray();
            }
            case MESSAGE -> {
                g.writeStringField("type", "message");
                g.writeStringField("status", status);
                g.writeFieldName("content");
                g.writeStartArray();
                if (!added) {
                    writeOutputText(g, item.text);
                }
                g.writeEndArray();
                g.writeStringField("role", "assistant");
            }
            case FUNCTION_CALL -> {
                g.writeStringField("type", "function_call");
                g.writeStringField("status", status);
                writeChars(g, "arguments", added ? "" : item.text);
                g.writeStringField("call_id", item.callId);
                g.writeStringField("name", item.name);
            }
        }
        g.writeEndObject();
    }

    static void writeSummaryPart(JsonGenerator g, CharSequence text) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", "summary_text");
        writeChars(g, "text", text);
        g.writeEndObject();
    }

    static void writeOutputText(JsonGenerator g, CharSequence text) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", "output_text");
        g.writeFieldName("annotations");
        g.writeStartArray();
        g.writeEndArray();
        g.writeFieldName("logprobs");
        g.writeStartArray();
        g.writeEndArray();
        writeChars(g, "text", text);
        g.writeEndObject();
    }

    static void writeChars(JsonGenerator g, String field, CharSequence text) throws IOException {
        g.writeFieldName(field);
        if (text instanceof String s) {
            g.writeString(s);
        } else {
            g.writeString(text.toString());
        }
    }

    /** {@code usage}: every count the SDK requires; unreported ones as 0, an unreported total as the sum. */
    static void writeUsage(JsonGenerator g, Usage u) throws IOException {
        if (u == null) {
            g.writeNull();
            return;
        }
        long total = u.totalTokens() >= 0 ? u.totalTokens() : Usage.sum(u.promptTokens(), u.completionTokens());
        g.writeStartObject();
        g.writeNumberField("input_tokens", orZero(u.promptTokens()));
        g.writeFieldName("input_tokens_details");
        g.writeStartObject();
        g.writeNumberField("cached_tokens", orZero(u.cachedTokens()));
        g.writeEndObject();
        g.writeNumberField("output_tokens", orZero(u.completionTokens()));
        g.writeFieldName("output_tokens_details");
        g.writeStartObject();
        g.writeNumberField("reasoning_tokens", orZero(u.reasoningTokens()));
        g.writeEndObject();
        g.writeNumberField("total_tokens", orZero(total));
        g.writeEndObject();
    }

    private static long orZero(long n) {
        return n < 0 ? 0 : n;
    }

    private static void writeNumberOrNull(JsonGenerator g, String field, Double v) throws IOException {
        if (v == null) {
            g.writeNullField(field);
        } else {
            g.writeNumberField(field, v);
        }
    }

    private static void writeText(JsonGenerator g, ResponseFormat f) throws IOException {
        g.writeFieldName("text");
        g.writeStartObject();
        g.writeFieldName("format");
        writeFormat(g, f);
        g.writeEndObject();
    }

    /** {@code text.format}: shared with the request writer. */
    static void writeFormat(JsonGenerator g, ResponseFormat f) throws IOException {
        g.writeStartObject();
        if (f == null || f.kind() == ResponseFormat.Kind.TEXT) {
            g.writeStringField("type", "text");
        } else if (f.kind() == ResponseFormat.Kind.JSON_OBJECT) {
            g.writeStringField("type", "json_object");
        } else {
            g.writeStringField("type", "json_schema");
            // Responses requires a name; schemas from dialects without one get a neutral name.
            g.writeStringField("name", f.name() == null ? "response" : f.name());
            g.writeFieldName("schema");
            if (f.schema() == null) {
                g.writeStartObject();
                g.writeEndObject();
            } else {
                g.writeRawValue(f.schema());
            }
            if (f.strict() != null) {
                g.writeBooleanField("strict", f.strict());
            }
        }
        g.writeEndObject();
    }

    static void writeToolChoice(JsonGenerator g, ToolChoice c) throws IOException {
        g.writeFieldName("tool_choice");
        if (c == null) {
            g.writeString("auto");
            return;
        }
        switch (c.mode()) {
            case AUTO -> g.writeString("auto");
            case NONE -> g.writeString("none");
            case REQUIRED -> g.writeString("required");
            case NAMED -> {
                g.writeStartObject();
                g.writeStringField("type", "function");
                g.writeStringField("name", c.name());
                g.writeEndObject();
            }
        }
    }

    /**
     * A flat function tool. Responses makes {@code strict} default to true, which rejects the loose schemas most
     * Chat/Anthropic/Gemini clients send, so an unset strict is written as false.
     */
    static void writeTool(JsonGenerator g, Tool t) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", "function");
        g.writeStringField("name", t.name());
        if (t.description() != null) {
            g.writeStringField("description", t.description());
        }
        g.writeFieldName("parameters");
        if (t.parameters() == null) {
            g.writeNull();
        } else {
            g.writeRawValue(t.parameters());
        }
        g.writeBooleanField("strict", t.strict() != null && t.strict());
        g.writeEndObject();
    }
}
