package io.sluice.codec.dialect.anthropic;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.buffer.ByteBuf;
import io.sluice.codec.dialect.JsonIo;
import io.sluice.codec.hub.HubError;
import io.sluice.codec.hub.HubListener;
import io.sluice.codec.hub.Part;
import io.sluice.codec.hub.ToolCall;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A non-streaming Messages response ({@code {"id","type":"message","content":[…],"stop_reason",…,"usage"}}) → hub
 * events, {@code onStart} to {@code onEnd}. The content is gathered first (members may come in any order; {@code id}
 * and {@code model} must reach {@code onStart} before any block), then replayed in block order.
 */
final class AnthropicResponseDecoder {

    private AnthropicResponseDecoder() {
    }

    static void decode(ByteBuf body, HubListener listener) {
        String type = null;
        String id = null;
        String model = null;
        String stopReason = null;
        String stopSequence = null;
        String[] error = null;
        List<Object> content = new ArrayList<>(2);
        AnthropicUsage usage = new AnthropicUsage();
        try (JsonParser p = JsonIo.parser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                listener.onError(new HubError(502, HubError.API_ERROR, "upstream response is not a JSON object"));
                return;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "type" -> type = JsonIo.text(p);
                    case "id" -> id = JsonIo.text(p);
                    case "model" -> model = JsonIo.text(p);
                    case "stop_reason" -> stopReason = JsonIo.text(p);
                    case "stop_sequence" -> stopSequence = JsonIo.text(p);
                    case "usage" -> usage.read(p);
                    case "error" -> {
                        if (t == JsonToken.START_OBJECT) {
                            error = AnthropicErrors.readError(p);
                        } else {
                            p.skipChildren();
                        }
                    }
                    case "content" -> readContent(p, t, content);
                    default -> p.skipChildren();
                }
            }
        } catch (IOException | RuntimeException e) {
            listener.onError(new HubError(502, HubError.API_ERROR, "upstream response is not valid JSON: "
                    + e.getClass().getSimpleName()));
            return;
        }
        if ("error".equals(type) || error != null) {
            listener.onError(error == null ? AnthropicErrors.fromEvent(null, null)
                    : AnthropicErrors.fromEvent(error[0], error[1]));
            return;
        }
        if (!"message".equals(type) && id == null) {
            listener.onError(new HubError(502, HubError.API_ERROR, "upstream response is not a message"));
            return;
        }
        listener.onStart(id, model, 0);
        int slot = 0;
        for (Object o : content) {
            if (o instanceof Part.Text t) {
                if (!t.text().isEmpty()) {
                    listener.onText(t.text());
                }
            } else if (o instanceof Part.Thinking th) {
                if (!th.text().isEmpty()) {
                    listener.onReasoning(th.text());
                }
                if (th.signature() != null && !th.signature().isEmpty()) {
                    listener.onReasoningSignature(th.signature());
                }
            } else if (o instanceof Part.RedactedThinking r) {
                listener.onRedactedReasoning(r.data());
            } else if (o instanceof ToolCall c) {
                listener.onToolCallStart(slot, c.id(), c.name());
                listener.onToolCallArguments(slot, c.arguments());
                slot++;
            }
        }
        if (stopReason != null) {
            listener.onFinish(StopReasons.toHub(stopReason), stopSequence);
        }
        if (usage.any()) {
            listener.onUsage(usage.toHub());
        }
        listener.onEnd();
    }

    private static void readContent(JsonParser p, JsonToken t, List<Object> out) throws IOException {
        if (t != JsonToken.START_ARRAY) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.START_OBJECT) {
            String type = null;
            String text = null;
            String signature = null;
            String data = null;
            String id = null;
            String name = null;
            String input = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "type" -> type = JsonIo.text(p);
                    case "text", "thinking" -> text = JsonIo.text(p);
                    case "signature" -> signature = JsonIo.text(p);
                    case "data" -> data = JsonIo.text(p);
                    case "id" -> id = JsonIo.text(p);
                    case "name" -> name = JsonIo.text(p);
                    case "input" -> input = v == JsonToken.START_OBJECT ? JsonIo.raw(p) : skip(p);
                    default -> p.skipChildren(); // citations, …
                }
            }
            switch (type == null ? "" : type) {
                case "text" -> out.add(new Part.Text(text == null ? "" : text));
                case "thinking" -> out.add(new Part.Thinking(text == null ? "" : text, signature));
                case "redacted_thinking" -> out.add(new Part.RedactedThinking(data == null ? "" : data));
                case "tool_use" -> out.add(new ToolCall(id, name, input == null ? "{}" : input));
                default -> {
                    // server_tool_use, web_search_tool_result, …: ran at the provider, nothing for the client to do
                }
            }
        }
    }

    private static String skip(JsonParser p) throws IOException {
        p.skipChildren();
        return null;
    }
}
