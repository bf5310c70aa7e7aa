package io.sluice.codec.dialect.responses;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.sluice.codec.dialect.JsonIo;
import io.sluice.codec.json.Usage;
import java.io.IOException;

/**
 * The fields of one Responses stream event that the decoder uses, read in one token pass in any field order; reused
 * for every event of a stream. Everything else (the response's echoed settings and {@code output}, content parts,
 * logprobs, obfuscation) is skipped without building strings.
 */
final class ResponsesEvent {

    String type;
    /** {@code item_id}, or for item events the item's {@code id}. */
    String itemId;
    int outputIndex;
    int summaryIndex;
    String delta;
    /** {@code function_call_arguments.done}'s {@code arguments}. */
    String arguments;
    /** From {@code item}. */
    String itemType;
    String callId;
    String name;
    String itemArguments;
    String encryptedContent;
    /** From {@code response}. */
    String responseId;
    String model;
    long createdAt;
    String incompleteReason;
    Usage usage;
    /** From a flat {@code error} event, a nested {@code error} object, or {@code response.error}. */
    String errorType;
    String errorCode;
    String errorMessage;

    private void reset() {
        type = null;
        itemId = null;
        outputIndex = -1;
        summaryIndex = 0;
        delta = null;
        arguments = null;
        itemType = null;
        callId = null;
        name = null;
        itemArguments = null;
        encryptedContent = null;
        responseId = null;
        model = null;
        createdAt = 0;
        incompleteReason = null;
        usage = null;
        errorType = null;
        errorCode = null;
        errorMessage = null;
    }

    /** Reads the event whose parser is not yet advanced; false for empty data (a bare keep-alive). */
    boolean read(JsonParser p) throws IOException {
        reset();
        JsonToken first = p.nextToken();
        if (first == null) {
            return false;
        }
        if (first != JsonToken.START_OBJECT) {
            throw new IOException("event data is not a JSON object");
        }
        String itemIdField = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken t = p.nextToken();
            switch (f) {
                case "type" -> type = JsonIo.text(p);
                // text deltas (most events) need no item id: skip building it when the type came first, as it does
                case "item_id" -> itemIdField = textDelta() ? null : JsonIo.text(p);
                case "output_index" -> outputIndex = t.isNumeric() ? p.getIntValue() : -1;
                case "summary_index" -> summaryIndex = t.isNumeric() ? p.getIntValue() : 0;
                case "delta" -> delta = JsonIo.text(p);
                case "arguments" -> arguments = JsonIo.text(p);
                case "code" -> errorCode = JsonIo.text(p);
                case "message" -> errorMessage = JsonIo.text(p);
                case "item" -> readItem(p, t);
                case "response" -> readResponse(p, t);
                case "error" -> readError(p, t);
                default -> p.skipChildren();
            }
        }
        if (itemIdField != null) {
            itemId = itemIdField;
        }
        return true;
    }

    private boolean textDelta() {
        return "response.output_text.delta".equals(type) || "response.refusal.delta".equals(type);
    }

    private void readItem(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            p.nextToken();
            switch (f) {
                case "type" -> itemType = JsonIo.text(p);
                case "id" -> itemId = JsonIo.text(p);
                case "call_id" -> callId = JsonIo.text(p);
                case "name" -> name = JsonIo.text(p);
                case "arguments" -> itemArguments = JsonIo.text(p);
                case "encrypted_content" -> encryptedContent = JsonIo.text(p);
                default -> p.skipChildren();
            }
        }
    }

    private void readResponse(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            switch (f) {
                case "id" -> responseId = JsonIo.text(p);
                case "model" -> model = JsonIo.text(p);
                case "created_at" -> createdAt = v.isNumeric() ? p.getValueAsLong() : 0;
                case "incomplete_details" -> incompleteReason = reason(p, v);
                case "usage" -> usage = readUsage(p, v);
                case "error" -> readError(p, v);
                default -> p.skipChildren();
            }
        }
    }

    private void readError(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            errorMessage = p.getText();
            return;
        }
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            p.nextToken();
            switch (f) {
                case "type" -> errorType = JsonIo.text(p);
                case "code" -> errorCode = JsonIo.text(p);
                case "message" -> errorMessage = JsonIo.text(p);
                default -> p.skipChildren();
            }
        }
    }

    private static String reason(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return null;
        }
        String reason = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            p.nextToken();
            if (f.equals("reason")) {
                reason = JsonIo.text(p);
            } else {
                p.skipChildren();
            }
        }
        return reason;
    }

    /**
     * {@code usage}: input_tokens (cached included, as the hub counts prompts), output_tokens (reasoning included),
     * total_tokens, input_tokens_details.cached_tokens, output_tokens_details.reasoning_tokens. Null when absent.
     */
    static Usage readUsage(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return null;
        }
        long input = Usage.ABSENT;
        long output = Usage.ABSENT;
        long total = Usage.ABSENT;
        long cached = Usage.ABSENT;
        long reasoning = Usage.ABSENT;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            switch (f) {
                case "input_tokens" -> input = count(p, v);
                case "output_tokens" -> output = count(p, v);
                case "total_tokens" -> total = count(p, v);
                case "input_tokens_details" -> cached = detail(p, v, "cached_tokens");
                case "output_tokens_details" -> reasoning = detail(p, v, "reasoning_tokens");
                default -> p.skipChildren();
            }
        }
        return new Usage(input, output, total, cached, reasoning);
    }

    private static long count(JsonParser p, JsonToken t) throws IOException {
        return t.isNumeric() ? p.getValueAsLong() : Usage.ABSENT;
    }

    private static long detail(JsonParser p, JsonToken t, String field) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return Usage.ABSENT;
        }
        long n = Usage.ABSENT;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            if (f.equals(field)) {
                n = count(p, v);
            } else {
                p.skipChildren();
            }
        }
        return n;
    }
}
