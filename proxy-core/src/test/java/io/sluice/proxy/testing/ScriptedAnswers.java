package io.sluice.proxy.testing;

import static io.sluice.proxy.testing.ScriptedLlm.INPUT_TOKENS;
import static io.sluice.proxy.testing.ScriptedLlm.OUTPUT_TOKENS;
import static io.sluice.proxy.testing.ScriptedLlm.TOOL;

import io.sluice.proxy.testing.ScriptedLlm.Turns;
import io.sluice.proxy.testing.TestUpstream.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** {@link ScriptedLlm}'s answers in each provider dialect, whole or streamed in several pieces. */
final class ScriptedAnswers {

    private static final AtomicLong IDS = new AtomicLong();
    private static final String ARGS = "{\"city\":\"Paris\"}";
    /** What the model says before it calls the tool, as models often do. */
    static final String PREAMBLE = "Checking the weather.";

    private ScriptedAnswers() {
    }

    private static String q(String s) {
        return ScriptedLlm.json(s);
    }

    /** The answer text in three pieces, so a stream has several deltas. */
    private static List<String> pieces(String text) {
        int a = text.length() / 3;
        int b = 2 * text.length() / 3;
        return List.of(text.substring(0, a), text.substring(a, b), text.substring(b));
    }

    private static String model(Turns t) {
        String m = t.body().path("model").asText("");
        return m.isEmpty() ? "scripted" : m;
    }

    private static Reply sse(List<String> events) {
        return Reply.sse(events.toArray(String[]::new));
    }

    static Reply openAi(Turns t) {
        long n = IDS.incrementAndGet();
        String id = "chatcmpl-scripted-" + n;
        String callId = "call_" + n;
        String usage = "{\"prompt_tokens\":" + INPUT_TOKENS + ",\"completion_tokens\":" + OUTPUT_TOKENS
                + ",\"total_tokens\":" + (INPUT_TOKENS + OUTPUT_TOKENS) + "}";
        String head = "{\"id\":\"" + id + "\",\"created\":1700000000,\"model\":" + q(model(t));
        if (!t.stream()) {
            String message = t.callTool()
                    ? "{\"role\":\"assistant\",\"content\":" + q(PREAMBLE) + ",\"tool_calls\":[{\"id\":\"" + callId
                    + "\",\"type\":\"function\",\"function\":{\"name\":\"" + TOOL + "\",\"arguments\":" + q(ARGS)
                    + "}}]}"
                    : "{\"role\":\"assistant\",\"content\":" + q(t.text()) + "}";
            return Reply.json(200, head + ",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":"
                    + message + ",\"finish_reason\":\"" + (t.callTool() ? "tool_calls" : "stop") + "\"}],\"usage\":"
                    + usage + "}");
        }
        String chunk = "data: " + head + ",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":";
        List<String> ev = new ArrayList<>();
        ev.add(chunk + "{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n");
        if (t.callTool()) {
            ev.add(chunk + "{\"content\":" + q(PREAMBLE) + "},\"finish_reason\":null}]}\n\n");
            ev.add(chunk + "{\"tool_calls\":[{\"index\":0,\"id\":\"" + callId + "\",\"type\":\"function\","
                    + "\"function\":{\"name\":\"" + TOOL + "\",\"arguments\":\"\"}}]},\"finish_reason\":null}]}\n\n");
            for (String p : pieces(ARGS)) {
                ev.add(chunk + "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":" + q(p)
                        + "}}]},\"finish_reason\":null}]}\n\n");
            }
        } else {
            for (String p : pieces(t.text())) {
                ev.add(chunk + "{\"content\":" + q(p) + "},\"finish_reason\":null}]}\n\n");
            }
        }
        ev.add(chunk + "{},\"finish_reason\":\"" + (t.callTool() ? "tool_calls" : "stop") + "\"}]}\n\n");
        if (t.body().path("stream_options").path("include_usage").asBoolean(false)) {
            ev.add("data: " + head + ",\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":" + usage
                    + "}\n\n");
        }
        ev.add("data: [DONE]\n\n");
        return sse(ev);
    }

    static Reply anthropic(Turns t) {
        long n = IDS.incrementAndGet();
        String id = "msg_scripted_" + n;
        String toolId = "toolu_scripted_" + n;
        String stop = t.callTool() ? "tool_use" : "end_turn";
        if (!t.stream()) {
            String blocks = t.callTool()
                    ? "{\"type\":\"text\",\"text\":" + q(PREAMBLE) + "},{\"type\":\"tool_use\",\"id\":\"" + toolId
                    + "\",\"name\":\"" + TOOL + "\",\"input\":" + ARGS + "}"
                    : "{\"type\":\"text\",\"text\":" + q(t.text()) + "}";
            return Reply.json(200, "{\"id\":\"" + id + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":"
                    + q(model(t)) + ",\"content\":[" + blocks + "],\"stop_reason\":\"" + stop
                    + "\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":" + INPUT_TOKENS + ",\"output_tokens\":"
                    + OUTPUT_TOKENS + "}}");
        }
        List<String> ev = new ArrayList<>();
        ev.add("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"" + id
                + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":" + q(model(t)) + ",\"content\":[],"
                + "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":" + INPUT_TOKENS
                + ",\"output_tokens\":1}}}\n\n");
        int index = 0;
        if (t.callTool()) {
            anthropicText(ev, index++, List.of(PREAMBLE));
            ev.add("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":" + index + ","
                    + "\"content_block\":{\"type\":\"tool_use\",\"id\":\"" + toolId + "\",\"name\":\"" + TOOL
                    + "\",\"input\":{}}}\n\n");
            for (String p : pieces(ARGS)) {
                ev.add("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":" + index
                        + ",\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":" + q(p) + "}}\n\n");
            }
            ev.add("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":" + index
                    + "}\n\n");
        } else {
            anthropicText(ev, index, pieces(t.text()));
        }
        ev.add("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"" + stop
                + "\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":" + OUTPUT_TOKENS + "}}\n\n");
        ev.add("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        return sse(ev);
    }

    private static void anthropicText(List<String> ev, int index, List<String> pieces) {
        ev.add("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":" + index + ","
                + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
        for (String p : pieces) {
            ev.add("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":" + index + ","
                    + "\"delta\":{\"type\":\"text_delta\",\"text\":" + q(p) + "}}\n\n");
        }
        ev.add("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":" + index + "}\n\n");
    }

    static Reply gemini(Turns t) {
        String usage = "\"usageMetadata\":{\"promptTokenCount\":" + INPUT_TOKENS + ",\"candidatesTokenCount\":"
                + OUTPUT_TOKENS + ",\"totalTokenCount\":" + (INPUT_TOKENS + OUTPUT_TOKENS) + "}";
        String tail = ",\"modelVersion\":\"scripted\"";
        if (t.callTool()) {
            String body = "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":" + q(PREAMBLE)
                    + "},{\"functionCall\":{\"name\":\""
                    + TOOL + "\",\"args\":" + ARGS + "}}]},\"finishReason\":\"STOP\",\"index\":0}]," + usage + tail
                    + "}";
            return t.stream() ? sse(List.of("data: " + body + "\r\n\r\n")) : Reply.json(200, body);
        }
        if (!t.stream()) {
            return Reply.json(200, "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":"
                    + q(t.text()) + "}]},\"finishReason\":\"STOP\",\"index\":0}]," + usage + tail + "}");
        }
        List<String> ev = new ArrayList<>();
        List<String> parts = pieces(t.text());
        for (int i = 0; i < parts.size(); i++) {
            boolean last = i == parts.size() - 1;
            ev.add("data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":" + q(parts.get(i))
                    + "}]}" + (last ? ",\"finishReason\":\"STOP\"" : "") + ",\"index\":0}]"
                    + (last ? "," + usage : "") + tail + "}\r\n\r\n");
        }
        return sse(ev);
    }

    static Reply responses(Turns t) {
        long n = IDS.incrementAndGet();
        String id = "resp_scripted_" + n;
        String msgId = "msg_scripted_" + n;
        String fcId = "fc_scripted_" + n;
        String text = t.callTool() ? PREAMBLE : t.text();
        String usage = "{\"input_tokens\":" + INPUT_TOKENS + ",\"input_tokens_details\":{\"cached_tokens\":0},"
                + "\"output_tokens\":" + OUTPUT_TOKENS + ",\"output_tokens_details\":{\"reasoning_tokens\":0},"
                + "\"total_tokens\":" + (INPUT_TOKENS + OUTPUT_TOKENS) + "}";
        String message = "{\"type\":\"message\",\"id\":\"" + msgId + "\",\"status\":\"completed\",\"role\":"
                + "\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":" + q(text) + ",\"annotations\":[]}]}";
        String call = "{\"type\":\"function_call\",\"id\":\"" + fcId + "\",\"call_id\":\"call_" + n
                + "\",\"name\":\"" + TOOL + "\",\"arguments\":" + q(ARGS) + ",\"status\":\"completed\"}";
        String output = t.callTool() ? message + "," + call : message;
        String head = "{\"id\":\"" + id + "\",\"object\":\"response\",\"created_at\":1700000000,\"model\":"
                + q(model(t));
        String done = head + ",\"status\":\"completed\",\"output\":[" + output + "],\"usage\":" + usage + "}";
        if (!t.stream()) {
            return Reply.json(200, done);
        }
        List<String> ev = new ArrayList<>();
        int[] seq = {0};
        java.util.function.BiConsumer<String, String> add = (type, rest) -> ev.add("event: " + type
                + "\ndata: {\"type\":\"" + type + "\",\"sequence_number\":" + seq[0]++ + "," + rest + "}\n\n");
        String started = "\"response\":" + head + ",\"status\":\"in_progress\",\"output\":[],\"usage\":null}";
        add.accept("response.created", started);
        add.accept("response.in_progress", started);
        add.accept("response.output_item.added", "\"output_index\":0,\"item\":{\"type\":\"message\",\"id\":\""
                + msgId + "\",\"status\":\"in_progress\",\"role\":\"assistant\",\"content\":[]}");
        String where = "\"item_id\":\"" + msgId + "\",\"output_index\":0,\"content_index\":0";
        add.accept("response.content_part.added", where
                + ",\"part\":{\"type\":\"output_text\",\"text\":\"\",\"annotations\":[]}");
        for (String p : pieces(text)) {
            add.accept("response.output_text.delta", where + ",\"delta\":" + q(p));
        }
        add.accept("response.output_text.done", where + ",\"text\":" + q(text));
        add.accept("response.content_part.done", where
                + ",\"part\":{\"type\":\"output_text\",\"text\":" + q(text) + ",\"annotations\":[]}");
        add.accept("response.output_item.done", "\"output_index\":0,\"item\":" + message);
        if (t.callTool()) {
            add.accept("response.output_item.added", "\"output_index\":1,\"item\":{\"type\":\"function_call\","
                    + "\"id\":\"" + fcId + "\",\"call_id\":\"call_" + n + "\",\"name\":\"" + TOOL
                    + "\",\"arguments\":\"\",\"status\":\"in_progress\"}");
            for (String p : pieces(ARGS)) {
                add.accept("response.function_call_arguments.delta", "\"item_id\":\"" + fcId
                        + "\",\"output_index\":1,\"delta\":" + q(p));
            }
            add.accept("response.function_call_arguments.done", "\"item_id\":\"" + fcId
                    + "\",\"output_index\":1,\"arguments\":" + q(ARGS));
            add.accept("response.output_item.done", "\"output_index\":1,\"item\":" + call);
        }
        add.accept("response.completed", "\"response\":" + done);
        return sse(ev);
    }

    /** A vector per text, {@code [length, 0.5, -0.5]}, so a client can tell which text it belongs to. */
    private static String vector(String text) {
        return "[" + text.length() + ".0,0.5,-0.5]";
    }

    static Reply embeddings(ScriptedLlm.Wire wire, String uri, com.fasterxml.jackson.databind.JsonNode body) {
        if (wire == ScriptedLlm.Wire.GEMINI) {
            if (uri.contains(":batchEmbedContents")) {
                StringBuilder s = new StringBuilder("{\"embeddings\":[");
                for (var req : body.path("requests")) {
                    s.append(s.charAt(s.length() - 1) == '[' ? "" : ",").append("{\"values\":")
                            .append(vector(ScriptedLlm.text(req.path("content").path("parts")))).append('}');
                }
                return Reply.json(200, s.append("]}").toString());
            }
            return Reply.json(200, "{\"embedding\":{\"values\":"
                    + vector(ScriptedLlm.text(body.path("content").path("parts"))) + "}}");
        }
        var input = body.path("input");
        List<String> texts = new ArrayList<>();
        if (input.isTextual()) {
            texts.add(input.asText());
        } else {
            input.forEach(i -> texts.add(i.asText()));
        }
        StringBuilder s = new StringBuilder("{\"object\":\"list\",\"model\":" + q(body.path("model").asText())
                + ",\"data\":[");
        for (int i = 0; i < texts.size(); i++) {
            s.append(i == 0 ? "" : ",").append("{\"object\":\"embedding\",\"index\":").append(i)
                    .append(",\"embedding\":").append(vector(texts.get(i))).append('}');
        }
        return Reply.json(200, s.append("],\"usage\":{\"prompt_tokens\":").append(INPUT_TOKENS)
                .append(",\"total_tokens\":").append(INPUT_TOKENS).append("}}").toString());
    }
}
