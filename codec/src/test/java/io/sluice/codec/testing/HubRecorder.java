package io.sluice.codec.testing;

import io.sluice.codec.hub.FinishReason;
import io.sluice.codec.hub.HubError;
import io.sluice.codec.hub.HubListener;
import io.sluice.codec.json.Usage;
import java.util.ArrayList;
import java.util.List;

/**
 * Records hub events as a transcript, one line per call, and replays a transcript into any listener. Transcripts are
 * what golden tests compare for decoders and what encoder tests start from:
 * <pre>
 * start id=msg_1 model=claude-x created=0
 * text "Hel"
 * reasoning "hmm"
 * signature "EqQB…"
 * redacted "…"
 * tool_start 0 id=call_1 name=get_weather
 * tool_args 0 "{\"city\""
 * finish TOOL_CALLS null
 * usage 10 5 15 -1 -1 -1          (prompt completion total cached reasoning cache_write)
 * end
 * error 502 api_error "message"
 * </pre>
 * String values are JSON string literals, so any text survives a round trip.
 */
public final class HubRecorder implements HubListener {

    private final List<String> lines = new ArrayList<>();

    public List<String> lines() {
        return lines;
    }

    public String transcript() {
        return String.join("\n", lines) + "\n";
    }

    @Override
    public void onStart(String id, String model, long created) {
        lines.add("start id=" + id + " model=" + model + " created=" + created);
    }

    @Override
    public void onText(String delta) {
        lines.add("text " + Json.quote(delta));
    }

    @Override
    public void onReasoning(String delta) {
        lines.add("reasoning " + Json.quote(delta));
    }

    @Override
    public void onReasoningSignature(String signature) {
        lines.add("signature " + Json.quote(signature));
    }

    @Override
    public void onRedactedReasoning(String data) {
        lines.add("redacted " + Json.quote(data));
    }

    @Override
    public void onToolCallStart(int slot, String id, String name) {
        lines.add("tool_start " + slot + " id=" + id + " name=" + name);
    }

    @Override
    public void onToolCallArguments(int slot, String fragment) {
        lines.add("tool_args " + slot + " " + Json.quote(fragment));
    }

    @Override
    public void onFinish(FinishReason reason, String stopSequence) {
        lines.add("finish " + reason + " " + (stopSequence == null ? "null" : Json.quote(stopSequence)));
    }

    @Override
    public void onUsage(Usage u) {
        lines.add("usage " + u.promptTokens() + " " + u.completionTokens() + " " + u.totalTokens() + " "
                + u.cachedTokens() + " " + u.reasoningTokens() + " " + u.cacheWriteTokens());
    }

    @Override
    public void onEnd() {
        lines.add("end");
    }

    @Override
    public void onError(HubError e) {
        lines.add("error " + e.status() + " " + e.type() + " " + Json.quote(e.message()));
    }

    /** Calls {@code target} as the transcript says ({@code #} lines and blank lines are skipped). */
    public static void replay(String transcript, HubListener target) {
        for (String line : transcript.split("\n")) {
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int sp = line.indexOf(' ');
            String op = sp < 0 ? line : line.substring(0, sp);
            String rest = sp < 0 ? "" : line.substring(sp + 1);
            switch (op) {
                case "start" -> {
                    String[] f = rest.split(" ");
                    target.onStart(value(f[0]), value(f[1]), Long.parseLong(value(f[2])));
                }
                case "text" -> target.onText(Json.unquote(rest));
                case "reasoning" -> target.onReasoning(Json.unquote(rest));
                case "signature" -> target.onReasoningSignature(Json.unquote(rest));
                case "redacted" -> target.onRedactedReasoning(Json.unquote(rest));
                case "tool_start" -> {
                    String[] f = rest.split(" ");
                    target.onToolCallStart(Integer.parseInt(f[0]), value(f[1]), value(f[2]));
                }
                case "tool_args" -> {
                    int s = rest.indexOf(' ');
                    target.onToolCallArguments(Integer.parseInt(rest.substring(0, s)),
                            Json.unquote(rest.substring(s + 1)));
                }
                case "finish" -> {
                    int s = rest.indexOf(' ');
                    String seq = rest.substring(s + 1);
                    target.onFinish(FinishReason.valueOf(rest.substring(0, s)),
                            seq.equals("null") ? null : Json.unquote(seq));
                }
                case "usage" -> {
                    String[] f = rest.split(" ");
                    target.onUsage(new Usage(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]),
                            Long.parseLong(f[3]), Long.parseLong(f[4]), Long.parseLong(f[5])));
                }
                case "end" -> target.onEnd();
                case "error" -> {
                    String[] f = rest.split(" ", 3);
                    target.onError(new HubError(Integer.parseInt(f[0]), f[1], Json.unquote(f[2])));
                }
                default -> throw new IllegalArgumentException("transcript line: " + line);
            }
        }
    }

    private static String value(String field) {
        String v = field.substring(field.indexOf('=') + 1);
        return v.equals("null") ? null : v;
    }

    /** Minimal JSON string quoting for transcripts. */
    static final class Json {
        static String quote(String s) {
            return io.sluice.codec.dialect.JsonIo.quote(s);
        }

        static String unquote(String literal) {
            try (var p = io.sluice.codec.dialect.JsonIo.FACTORY.createParser(literal)) {
                p.nextToken();
                return p.getText();
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("not a JSON string: " + literal, e);
            }
        }
    }
}
