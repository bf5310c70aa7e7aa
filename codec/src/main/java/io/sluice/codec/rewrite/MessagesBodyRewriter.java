package io.sluice.codec.rewrite;

import io.netty.buffer.ByteBuf;
import io.sluice.codec.dialect.RequestException;
import io.sluice.codec.json.JsonStrings;
import io.sluice.codec.json.RequestOutline;
import io.sluice.codec.json.RequestOutline.Span;
import java.util.Set;

/**
 * Anthropic Messages: the system prompt is {@code system}, a string or text blocks (blocks keep their
 * {@code cache_control} and their place; a block is added before or after them); thinking is
 * {@code thinking: {type: enabled, budget_tokens}} with {@code max_tokens} above the budget, and neither
 * {@code temperature} nor {@code top_k} (Anthropic refuses them with thinking on).
 */
final class MessagesBodyRewriter extends BodyRewriter {

    static final MessagesBodyRewriter INSTANCE = new MessagesBodyRewriter();
    /** Anthropic's smallest thinking budget. */
    static final int MIN_BUDGET = 1024;
    /** With thinking on, Anthropic accepts {@code top_p} from this up only. */
    static final double MIN_TOP_P = 0.95;

    private MessagesBodyRewriter() {
        super(Set.of("system", "system.*.cache_control", "messages", "tools", "thinking", "max_tokens",
                "temperature", "top_k", "top_p", "tool_choice.type"), Set.of(), false);
    }

    @Override
    public RequestSize size(RequestOutline o, long bodyBytes) {
        return new RequestSize(count(o.span("messages")), count(o.span("tools")),
                RequestSize.estimateTokens(bodyBytes));
    }

    @Override
    public boolean asksThinking(RequestOutline o) throws RequestException {
        return present(span(o, "thinking"));
    }

    @Override
    boolean prompt(RequestOutline o, ByteBuf body, Rewrite.SystemPrompt p, Edits e) throws RequestException {
        Span system = span(o, "system");
        String text = JsonStrings.quote(p.text());
        if (system == null) {
            e.insert(o.root(), "\"system\":" + text);
        } else if (system.isNull()) {
            e.value(system, text);
        } else if (system.isString()) {
            stringPrompt(system, p, e);
        } else if (system.isArray()) {
            String block = "{\"type\":\"text\",\"text\":" + text;
            String comma = system.children() > 0 ? "," : "";
            switch (p.mode()) {
                case PREPEND -> e.at(system.valueStart() + 1, block + "}" + comma);
                case APPEND -> e.at(system.valueEnd() - 1, comma + block + "}");
                case REPLACE -> {
                    // The client's cache breakpoint stays one: the last block's marker moves to the new prompt.
                    Span cache = o.span("system.*.cache_control");
                    e.value(system, present(cache) ? "[" + block + ",\"cache_control\":" + raw(body, cache) + "}]"
                            : text);
                }
            }
        } else {
            return false;
        }
        return true;
    }

    @Override
    boolean thinking(RequestOutline o, Rewrite.Thinking t, Edits e) throws RequestException {
        Span root = o.root();
        Span thinking = span(o, "thinking");
        if (t.strip()) {
            e.delete(root, thinking);
            return true;
        }
        String value;
        if (t.budget() > 0) {
            Span choice = span(o, "tool_choice.type");
            if (choice != null && ("any".equals(choice.text()) || "tool".equals(choice.text()))) {
                return false; // Anthropic refuses thinking with a forced tool choice
            }
            int budget = Math.max(MIN_BUDGET, t.budget());
            value = "{\"type\":\"enabled\",\"budget_tokens\":" + budget + "}";
            Span max = span(o, "max_tokens");
            if (max != null && max.isInt() && max.intValue() <= budget) {
                // Thinking counts inside max_tokens, which must stay above the budget: the answer keeps its own cap.
                e.value(max, Long.toString((long) budget + Math.max(0, max.intValue())));
            }
            e.delete(root, span(o, "temperature"));
            e.delete(root, span(o, "top_k"));
            Span topP = span(o, "top_p");
            if (present(topP) && !(topP.number() >= MIN_TOP_P)) {
                e.delete(root, topP);
            }
        } else {
            value = "{\"type\":\"disabled\"}";
        }
        if (thinking == null) {
            e.insert(root, "\"thinking\":" + value);
        } else {
            e.value(thinking, value);
        }
        return true;
    }
}
