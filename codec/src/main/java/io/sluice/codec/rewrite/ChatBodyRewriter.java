package io.sluice.codec.rewrite;

import io.netty.buffer.ByteBuf;
import io.sluice.codec.dialect.RequestException;
import io.sluice.codec.json.JsonStrings;
import io.sluice.codec.json.RequestOutline;
import io.sluice.codec.json.RequestOutline.Runs;
import io.sluice.codec.json.RequestOutline.Span;
import java.util.Set;

/**
 * OpenAI chat completions: the system prompt is a {@code system} message ({@code developer} counts as one);
 * thinking is {@code reasoning_effort} (and OpenRouter's {@code reasoning} object, which a budget replaces).
 */
final class ChatBodyRewriter extends BodyRewriter {

    static final ChatBodyRewriter INSTANCE = new ChatBodyRewriter();

    private ChatBodyRewriter() {
        super(Set.of("messages", "tools", "reasoning_effort", "reasoning"), Set.of("messages"), false);
    }

    @Override
    public RequestSize size(RequestOutline o, long bodyBytes) {
        return new RequestSize(count(o.span("messages")), count(o.span("tools")),
                RequestSize.estimateTokens(bodyBytes));
    }

    @Override
    public boolean asksThinking(RequestOutline o) throws RequestException {
        return present(span(o, "reasoning_effort")) || present(span(o, "reasoning"));
    }

    @Override
    boolean prompt(RequestOutline o, ByteBuf body, Rewrite.SystemPrompt p, Edits e) throws RequestException {
        Span messages = span(o, "messages");
        if (messages == null || !messages.isArray()) {
            return false; // the provider answers a request without messages itself
        }
        Runs runs = o.runs("messages");
        String message = "{\"role\":\"system\",\"content\":" + JsonStrings.quote(p.text()) + "}";
        int first = messages.valueStart() + 1;
        switch (p.mode()) {
            case PREPEND -> e.at(first, message + (messages.children() > 0 ? "," : ""));
            case APPEND -> {
                int lead = runs == null ? -1 : runs.leadingEnd();
                if (lead >= 0) {
                    e.at(lead, "," + message); // after the system messages that open the conversation
                } else {
                    e.at(first, message + (messages.children() > 0 ? "," : ""));
                }
            }
            case REPLACE -> {
                removeSystemRuns(runs, "messages", e);
                int kept = messages.children() - (runs == null ? 0 : runs.systemElements());
                e.at(first, message + (kept > 0 ? "," : ""));
            }
        }
        return true;
    }

    @Override
    boolean thinking(RequestOutline o, Rewrite.Thinking t, Edits e) throws RequestException {
        Span effort = span(o, "reasoning_effort");
        Span object = span(o, "reasoning");
        if (t.strip()) {
            e.delete(o.root(), effort);
            e.delete(o.root(), object);
            return true;
        }
        if (effort != null) {
            e.value(effort, effort(t.budget()));
        } else {
            e.insert(o.root(), "\"reasoning_effort\":" + effort(t.budget()));
        }
        if (present(object)) {
            e.delete(o.root(), object); // OpenRouter's form: one setting, not two that disagree
        }
        return true;
    }
}
