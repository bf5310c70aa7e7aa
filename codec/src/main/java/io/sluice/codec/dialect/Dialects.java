package io.sluice.codec.dialect;

import io.sluice.codec.dialect.anthropic.AnthropicDialect;
import io.sluice.codec.dialect.gemini.GeminiDialect;
import io.sluice.codec.dialect.openai.OpenAiDialect;
import io.sluice.codec.dialect.responses.ResponsesDialect;
import java.util.List;

/** Every dialect Sluice speaks: one list, so adding a dialect is one line here and one package. */
public final class Dialects {

    public static final Dialect OPENAI = OpenAiDialect.INSTANCE;
    public static final Dialect ANTHROPIC = AnthropicDialect.INSTANCE;
    public static final Dialect GEMINI = GeminiDialect.INSTANCE;
    public static final Dialect RESPONSES = ResponsesDialect.INSTANCE;
    public static final List<Dialect> ALL = List.of(OPENAI, ANTHROPIC, GEMINI, RESPONSES);

    private Dialects() {
    }

    /** The dialect called {@code name}; throws for an unknown name (config validated it already). */
    public static Dialect byName(String name) {
        for (Dialect d : ALL) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        throw new IllegalArgumentException(
                "dialect: " + name + " (expected: one of openai, anthropic, gemini, responses)");
    }
}
