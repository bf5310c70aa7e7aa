package io.sluice.codec.rewrite;

import io.netty.buffer.ByteBuf;
import io.sluice.codec.dialect.RequestException;
import io.sluice.codec.json.JsonStrings;
import io.sluice.codec.json.RequestOutline;
import io.sluice.codec.json.RequestOutline.Span;
import java.util.Set;

/**
 * Gemini {@code generateContent}: the system prompt is {@code systemInstruction.parts} (a part added before or after
 * the client's), thinking is {@code generationConfig.thinkingConfig.thinkingBudget} (a budget replaces Gemini 3's
 * {@code thinkingLevel}: the API refuses both). Names are compared in camelCase, as Google's parser reads
 * {@code system_instruction} too.
 */
final class GeminiBodyRewriter extends BodyRewriter {

    static final GeminiBodyRewriter INSTANCE = new GeminiBodyRewriter();

    private static final String CONFIG = "generationConfig";
    private static final String THINKING = CONFIG + ".thinkingConfig";

    private GeminiBodyRewriter() {
        super(Set.of("systemInstruction", "systemInstruction.parts", "contents", "tools",
                "tools.*.functionDeclarations", CONFIG, THINKING, THINKING + ".thinkingBudget",
                THINKING + ".thinkingLevel"), Set.of(), true);
    }

    @Override
    public RequestSize size(RequestOutline o, long bodyBytes) {
        Span declarations = o.span("tools.*.functionDeclarations");
        int tools = declarations != null ? (int) Math.min(Integer.MAX_VALUE, declarations.childrenTotal())
                : count(o.span("tools"));
        return new RequestSize(count(o.span("contents")), tools, RequestSize.estimateTokens(bodyBytes));
    }

    @Override
    public boolean asksThinking(RequestOutline o) throws RequestException {
        return present(span(o, THINKING));
    }

    @Override
    boolean prompt(RequestOutline o, ByteBuf body, Rewrite.SystemPrompt p, Edits e) throws RequestException {
        Span instruction = span(o, "systemInstruction");
        String part = "{\"text\":" + JsonStrings.quote(p.text()) + "}";
        String content = "{\"parts\":[" + part + "]}";
        if (instruction == null) {
            e.insert(o.root(), "\"systemInstruction\":" + content);
            return true;
        }
        if (instruction.isNull() || instruction.isObject() && p.mode() == PromptMode.REPLACE) {
            e.value(instruction, content);
            return true;
        }
        if (instruction.isString()) { // a bare string, which Google's parser takes too
            stringPrompt(instruction, p, e);
            return true;
        }
        if (!instruction.isObject()) {
            return false;
        }
        Span parts = span(o, "systemInstruction.parts");
        if (parts == null) {
            e.insert(instruction, "\"parts\":[" + part + "]");
        } else if (parts.isNull()) {
            e.value(parts, "[" + part + "]");
        } else if (!parts.isArray()) {
            return false;
        } else {
            String comma = parts.children() > 0 ? "," : "";
            if (p.mode() == PromptMode.PREPEND) {
                e.at(parts.valueStart() + 1, part + comma);
            } else {
                e.at(parts.valueEnd() - 1, comma + part);
            }
        }
        return true;
    }

    @Override
    boolean thinking(RequestOutline o, Rewrite.Thinking t, Edits e) throws RequestException {
        Span config = span(o, CONFIG);
        Span thinking = span(o, THINKING);
        if (t.strip()) {
            e.delete(config, thinking);
            return true;
        }
        String budget = Integer.toString(t.budget());
        String object = "{\"thinkingBudget\":" + budget + "}";
        if (thinking != null && thinking.isObject()) {
            Span given = span(o, THINKING + ".thinkingBudget");
            Span level = span(o, THINKING + ".thinkingLevel");
            if (given != null) {
                e.value(given, budget);
                e.delete(thinking, level);
            } else if (level != null) {
                e.member(level, "\"thinkingBudget\":" + budget);
            } else {
                e.insert(thinking, "\"thinkingBudget\":" + budget);
            }
        } else if (thinking != null) {
            e.value(thinking, object);
        } else if (config != null && config.isObject()) {
            e.insert(config, "\"thinkingConfig\":" + object);
        } else if (config != null) {
            e.value(config, "{\"thinkingConfig\":" + object + "}");
        } else {
            e.insert(o.root(), "\"generationConfig\":{\"thinkingConfig\":" + object + "}");
        }
        return true;
    }
}
