package io.sluice.codec.rewrite;

import io.netty.buffer.ByteBuf;
import io.sluice.codec.dialect.RequestException;
import io.sluice.codec.json.JsonStrings;
import io.sluice.codec.json.RequestOutline;
import io.sluice.codec.json.RequestOutline.Span;
import java.util.Set;

/**
 * OpenAI Responses: the system prompt is {@code instructions} (a replacement also removes {@code system} and
 * {@code developer} items from {@code input}, as the hub does); thinking is {@code reasoning.effort}.
 */
final class ResponsesBodyRewriter extends BodyRewriter {

    static final ResponsesBodyRewriter INSTANCE = new ResponsesBodyRewriter();

    private ResponsesBodyRewriter() {
        super(Set.of("instructions", "input", "tools", "reasoning", "reasoning.effort"), Set.of("input"), false);
    }

    @Override
    public RequestSize size(RequestOutline o, long bodyBytes) {
        Span input = o.span("input");
        int messages = input == null ? 0 : input.isString() ? 1 : count(input);
        return new RequestSize(messages, count(o.span("tools")), RequestSize.estimateTokens(bodyBytes));
    }

    @Override
    public boolean asksThinking(RequestOutline o) throws RequestException {
        return present(span(o, "reasoning"));
    }

    @Override
    boolean prompt(RequestOutline o, ByteBuf body, Rewrite.SystemPrompt p, Edits e) throws RequestException {
        Span instructions = span(o, "instructions");
        String text = JsonStrings.quote(p.text());
        if (instructions == null) {
            e.insert(o.root(), "\"instructions\":" + text);
        } else if (instructions.isNull()) {
            e.value(instructions, text);
        } else if (instructions.isString()) {
            stringPrompt(instructions, p, e);
        } else {
            return false;
        }
        if (p.mode() == PromptMode.REPLACE) {
            span(o, "input");
            removeSystemRuns(o.runs("input"), "input", e);
        }
        return true;
    }

    @Override
    boolean thinking(RequestOutline o, Rewrite.Thinking t, Edits e) throws RequestException {
        Span reasoning = span(o, "reasoning");
        if (t.strip()) {
            e.delete(o.root(), reasoning);
            return true;
        }
        String effort = effort(t.budget());
        if (reasoning != null && reasoning.isObject()) {
            Span given = span(o, "reasoning.effort");
            if (given != null) {
                e.value(given, effort);
            } else {
                e.insert(reasoning, "\"effort\":" + effort);
            }
        } else if (reasoning != null) {
            e.value(reasoning, "{\"effort\":" + effort + "}");
        } else {
            e.insert(o.root(), "\"reasoning\":{\"effort\":" + effort + "}");
        }
        return true;
    }
}
