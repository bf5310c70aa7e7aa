package io.sluice.codec.dialect.responses;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.buffer.ByteBuf;
import io.sluice.codec.dialect.JsonIo;
import io.sluice.codec.hub.FinishReason;
import io.sluice.codec.hub.HubError;
import io.sluice.codec.hub.HubListener;
import io.sluice.codec.json.Usage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A whole (non-streaming) Responses {@code response} object into hub events, in output order: a reasoning item gives
 * its summary texts (joined by blank lines, or its {@code reasoning_text} content when there is no summary) and its
 * {@code encrypted_content} as signature; a message its {@code output_text} and {@code refusal} parts as text; a
 * function call a tool call. Status {@code completed} finishes STOP (TOOL_CALLS with a call), {@code incomplete}
 * as {@link ResponsesStreamDecoder#incomplete}; {@code failed}, an unfinished status, or a bare {@code error} body is
 * an error. The whole body is in memory, so items are gathered first and emitted once status is known.
 */
final class ResponsesResponseDecoder {

    private ResponsesResponseDecoder() {
    }

    private record Item(String type, String text, String signature, String callId, String name, String args) {
    }

    static void decode(ByteBuf body, HubListener listener) {
        String id = null;
        String model = null;
        long created = 0;
        String status = null;
        String incompleteReason = null;
        Usage usage = null;
        String errorType = null;
        String errorCode = null;
        String errorMessage = null;
        boolean errorSeen = false;
        List<Item> items = new ArrayList<>(2);
        try (JsonParser p = JsonIo.parser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                listener.onError(new HubError(502, HubError.API_ERROR, "upstream response is not a JSON object"));
                return;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken t = p.nextToken();
                switch (f) {
                    case "id" -> id = JsonIo.text(p);
                    case "model" -> model = JsonIo.text(p);
                    case "created_at" -> created = t.isNumeric() ? p.getValueAsLong() : 0;
                    case "status" -> status = JsonIo.text(p);
                    case "incomplete_details" -> {
                        if (t == JsonToken.START_OBJECT) {
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                String g = p.currentName();
                                p.nextToken();
                                if (g.equals("reason")) {
                                    incompleteReason = JsonIo.text(p);
                                } else {
                                    p.skipChildren();
                                }
                            }
                        }
                    }
                    case "usage" -> usage = ResponsesEvent.readUsage(p, t);
                    case "error" -> {
                        if (t == JsonToken.START_OBJECT) {
                            errorSeen = true;
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                String g = p.currentName();
                                p.nextToken();
                                switch (g) {
                                    case "type" -> errorType = JsonIo.text(p);
                                    case "code" -> errorCode = JsonIo.text(p);
                                    case "message" -> errorMessage = JsonIo.text(p);
                                    default -> p.skipChildren();
                                }
                            }
                        } else if (t == JsonToken.VALUE_STRING) {
                            errorSeen = true;
                            errorMessage = p.getText();
                        }
                    }
                    case "output" -> readOutput(p, t, items);
                    default -> p.skipChildren();
                }
            }
        } catch (IOException | RuntimeException e) {
            listener.onError(new HubError(502, HubError.API_ERROR, "upstream response is not valid JSON: "
                    + e.getClass().getSimpleName()));
            return;
        }
        if (id == null && status == null) {
            listener.onError(errorSeen ? ResponsesErrors.streamError(errorType, errorCode, errorMessage)
                    : new HubError(502, HubError.API_ERROR, "upstream body is not a Responses response object"));
            return;
        }
        listener.onStart(id, model, created);
        int slot = 0;
        for (Item item : items) {
            switch (item.type) {
                case "reasoning" -> {
                    if (!item.text.isEmpty()) {
                        listener.onReasoning(item.text);
                    }
                    if (item.signature != null) {
                        listener.onReasoningSignature(item.signature);
                    }
                }
                case "message" -> {
                    if (!item.text.isEmpty()) {
                        listener.onText(item.text);
                    }
                }
                default -> {
                    listener.onToolCallStart(slot, item.callId, item.name);
                    if (item.args != null && !item.args.isEmpty()) {
                        listener.onToolCallArguments(slot, item.args);
                    }
                    slot++;
                }
            }
        }
        if ("completed".equals(status)) {
            listener.onFinish(slot > 0 ? FinishReason.TOOL_CALLS : FinishReason.STOP, null);
        } else if ("incomplete".equals(status)) {
            listener.onFinish(ResponsesStreamDecoder.incomplete(incompleteReason), null);
        } else {
            listener.onError("failed".equals(status) || errorSeen
                    ? ResponsesErrors.streamError(errorType, errorCode, errorMessage != null ? errorMessage
                    : "response failed")
                    : new HubError(502, HubError.API_ERROR, "upstream response is not finished (status " + status
                    + "); background responses are not supported"));
            return;
        }
        if (usage != null) {
            listener.onUsage(usage);
        }
        listener.onEnd();
    }

    private static void readOutput(JsonParser p, JsonToken t, List<Item> items) throws IOException {
        if (t != JsonToken.START_ARRAY) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.START_OBJECT) {
            String type = null;
            StringBuilder text = new StringBuilder();
            StringBuilder reasoningText = new StringBuilder();
            String signature = null;
            String callId = null;
            String name = null;
            String args = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken v = p.nextToken();
                switch (f) {
                    case "type" -> type = JsonIo.text(p);
                    case "call_id" -> callId = JsonIo.text(p);
                    case "name" -> name = JsonIo.text(p);
                    case "arguments" -> args = JsonIo.text(p);
                    case "encrypted_content" -> signature = JsonIo.text(p);
                    case "summary" -> texts(p, v, text, "\n\n");
                    // message parts (output_text, refusal) and reasoning_text parts share "content"
                    case "content" -> texts(p, v, reasoningText, "");
                    default -> p.skipChildren();
                }
            }
            if ("reasoning".equals(type)) {
                items.add(new Item(type, text.isEmpty() ? reasoningText.toString() : text.toString(), signature,
                        null, null, null));
            } else if ("message".equals(type)) {
                items.add(new Item(type, reasoningText.toString(), null, null, null, null));
            } else if ("function_call".equals(type)) {
                items.add(new Item(type, "", null, callId, name, args));
            }
            // built-in tool items (web_search_call, file_search_call, …) have no hub equivalent
        }
    }

    /** Appends the {@code text} (or {@code refusal}) of each part object in an array. */
    private static void texts(JsonParser p, JsonToken t, StringBuilder sb, String separator) throws IOException {
        if (t != JsonToken.START_ARRAY) {
            p.skipChildren();
            return;
        }
        boolean first = true;
        while (p.nextToken() == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                p.nextToken();
                if (f.equals("text") || f.equals("refusal")) {
                    String s = JsonIo.text(p);
                    if (s != null) {
                        if (!first) {
                            sb.append(separator);
                        }
                        sb.append(s);
                        first = false;
                    }
                } else {
                    p.skipChildren();
                }
            }
        }
    }
}
