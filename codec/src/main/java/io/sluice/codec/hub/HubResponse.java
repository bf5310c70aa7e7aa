package io.sluice.codec.hub;

import io.sluice.codec.json.Usage;
import java.util.List;

/**
 * A whole response, as {@link HubAccumulator} gathers it from hub events; what non-streaming encoders write.
 *
 * @param content    text, thinking and redacted-thinking parts in the order the model produced them
 * @param toolCalls  calls in slot order, arguments complete
 * @param finish     null when the provider gave none
 * @param usage      null when the provider reported none (never invented)
 * @param error      non-null when the response failed; the other fields hold what arrived before
 */
public record HubResponse(String id, String model, long created, List<Part> content, List<ToolCall> toolCalls,
                          FinishReason finish, String stopSequence, Usage usage, HubError error) {

    /** All text parts joined. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        for (Part p : content) {
            if (p instanceof Part.Text t) {
                sb.append(t.text());
            }
        }
        return sb.toString();
    }

    /** All thinking text joined, or null when there was none. */
    public String reasoning() {
        StringBuilder sb = null;
        for (Part p : content) {
            if (p instanceof Part.Thinking t) {
                sb = sb == null ? new StringBuilder() : sb;
                sb.append(t.text());
            }
        }
        return sb == null ? null : sb.toString();
    }
}
