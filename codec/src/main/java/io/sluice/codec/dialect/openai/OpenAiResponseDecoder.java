package io.sluice.codec.dialect.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.buffer.ByteBuf;
import io.sluice.codec.dialect.JsonIo;
import io.sluice.codec.hub.HubError;
import io.sluice.codec.hub.HubListener;
import io.sluice.codec.json.Usage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A whole {@code chat.completion} body to hub events: onStart, reasoning, text, tool calls, finish, usage, onEnd. Only
 * {@code choices[0]} and the top-level {@code usage} count (a {@code usage} inside a choice is not the response's). A
 * body carrying {@code error} (a 200 with an error, as proxies and OpenRouter send) or not shaped like a completion
 * ends in onError.
 */
final class OpenAiResponseDecoder {

    private String id;
    private String model;
    private long created;
    private boolean choiceSeen;
    private StringBuilder text;
    private StringBuilder reasoning;
    private String finishReason;
    private final List<String[]> calls = new ArrayList<>(0);
    private Usage usage;
    private boolean errorSeen;
    private boolean errorObject;
    private final OpenAiErrorCodec.Fields error = new OpenAiErrorCodec.Fields();

    private OpenAiResponseDecoder() {
    }

    static void decode(ByteBuf body, HubListener listener) {
        OpenAiResponseDecoder d = new OpenAiResponseDecoder();
        try (JsonParser p = JsonIo.parser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                listener.onError(new HubError(502, HubError.API_ERROR, "upstream response is not a JSON object"));
                return;
            }
            d.readRoot(p);
        } catch (IOException | RuntimeException e) {
            listener.onError(new HubError(502, HubError.API_ERROR, "upstream response is not valid JSON: "
                    + e.getClass().getSimpleName()));
            return;
        }
        d.emit(listener);
    }

    private void emit(HubListener l) {
        if (errorSeen || errorObject) {
            l.onError(OpenAiErrorCodec.toHub(0, error));
            return;
        }
        if (!choiceSeen) {
            l.onError(new HubError(502, HubError.API_ERROR, "upstream response has no choices"));
            return;
        }
        String rid = id == null || id.isEmpty() ? OpenAiStreamDecoder.FALLBACK_ID : id;
        l.onStart(rid, model, created);
        if (reasoning != null && !reasoning.isEmpty()) {
            l.onReasoning(reasoning.toString());
        }
        if (text != null && !text.isEmpty()) {
            l.onText(text.toString());
        }
        for (int i = 0; i < calls.size(); i++) {
            String[] c = calls.get(i);
            l.onToolCallStart(i, c[0] == null || c[0].isEmpty() ? "call_" + rid + "_" + i : c[0],
                    c[1] == null ? "" : c[1]);
            if (c[2] != null && !c[2].isEmpty()) {
                l.onToolCallArguments(i, c[2]);
            }
        }
        if (finishReason != null) {
            l.onFinish(OpenAiWire.finishReason(finishReason), null);
        }
        if (usage != null) {
            l.onUsage(usage);
        }
        l.onEnd();
    }

    private void readRoot(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "id" -> id = t == JsonToken.VALUE_STRING ? p.getText() : id;
                case "model" -> model = t == JsonToken.VALUE_STRING ? p.getText() : model;
                case "created" -> created = t == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : created;
                case "object" -> errorObject = t == JsonToken.VALUE_STRING && p.getText().equals("error");
                case "choices" -> {
                    if (t == JsonToken.START_ARRAY) {
                        readChoices(p);
                    } else {
                        p.skipChildren();
                    }
                }
                case "usage" -> usage = OpenAiWire.readUsage(p);
                case "error" -> {
                    if (t != JsonToken.VALUE_NULL) {
                        errorSeen = true;
                        OpenAiErrorCodec.readErrorValue(p, error);
                    }
                }
                case "message", "type", "code" -> OpenAiErrorCodec.readField(p, name, error);
                default -> p.skipChildren();
            }
        }
    }

    private void readChoices(JsonParser p) throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_OBJECT || choiceSeen) {
                p.skipChildren();
                continue;
            }
            choiceSeen = true;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (name.equals("message") && v == JsonToken.START_OBJECT) {
                    readMessage(p);
                } else if (name.equals("finish_reason") && v == JsonToken.VALUE_STRING) {
                    finishReason = p.getText();
                } else {
                    p.skipChildren();
                }
            }
        }
    }

    private void readMessage(JsonParser p) throws IOException {
        boolean reasoningRead = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "content", "refusal" -> appendContent(p, v);
                case "reasoning_content", "reasoning" -> {
                    if (v == JsonToken.VALUE_STRING && p.getTextLength() > 0 && !reasoningRead) {
                        reasoningRead = true;
                        reasoning = new StringBuilder(p.getText());
                    } else {
                        p.skipChildren();
                    }
                }
                case "tool_calls" -> {
                    if (v == JsonToken.START_ARRAY) {
                        readToolCalls(p);
                    } else {
                        p.skipChildren();
                    }
                }
                case "function_call" -> {
                    if (v == JsonToken.START_OBJECT) {
                        calls.add(readFunction(p, null));
                    } else {
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
    }

    /** Content is a string; some servers answer with an array of text parts. */
    private void appendContent(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_STRING) {
            text(p.getText());
        } else if (v == JsonToken.START_ARRAY) {
            while (p.nextToken() == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String f = p.currentName();
                    JsonToken fv = p.nextToken();
                    if ((f.equals("text") || f.equals("refusal")) && fv == JsonToken.VALUE_STRING) {
                        text(p.getText());
                    } else {
                        p.skipChildren();
                    }
                }
            }
        } else {
            p.skipChildren();
        }
    }

    private void text(String s) {
        if (text == null) {
            text = new StringBuilder(s.length());
        }
        text.append(s);
    }

    private void readToolCalls(JsonParser p) throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            String callId = null;
            String[] call = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken v = p.nextToken();
                if (f.equals("id") && v == JsonToken.VALUE_STRING) {
                    callId = p.getText();
                } else if (f.equals("function") && v == JsonToken.START_OBJECT) {
                    call = readFunction(p, null);
                } else {
                    p.skipChildren();
                }
            }
            if (call == null) {
                call = new String[3];
            }
            call[0] = callId;
            calls.add(call);
        }
    }

    /** {id, name, arguments} from a {@code function} object. */
    private static String[] readFunction(JsonParser p, String callId) throws IOException {
        String[] call = {callId, null, null};
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            if (f.equals("name") && v == JsonToken.VALUE_STRING) {
                call[1] = p.getText();
            } else if (f.equals("arguments") && v == JsonToken.VALUE_STRING) {
                call[2] = p.getText();
            } else if (f.equals("arguments") && v == JsonToken.START_OBJECT) {
                call[2] = JsonIo.raw(p);
            } else {
                p.skipChildren();
            }
        }
        return call;
    }
}
