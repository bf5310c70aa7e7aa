package io.sluice.bench.mock;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Every dialect's answers for one shape ({@code chunks} events of {@code chunkBytes} text each), built on first use and
 * kept: a mock serves a handful of shapes. The text is ASCII filler with nothing to escape in JSON.
 */
final class AnswerTemplates {

    /** Distinct shapes kept at most; a request asking for one more is refused, not served slowly. */
    static final int MAX_SHAPES = 32;

    private static final String FILLER = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod "
            + "tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud "
            + "exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. ";

    private final String[] texts;
    private final OpenAiTemplates openai;
    private final AnthropicTemplates anthropic;
    private final GeminiTemplates gemini;

    AnswerTemplates(int chunks, int chunkBytes) {
        texts = texts(chunks, chunkBytes);
        Bytes.Arena arena = new Bytes.Arena();
        openai = new OpenAiTemplates(arena, texts);
        anthropic = new AnthropicTemplates(arena, texts);
        gemini = new GeminiTemplates(arena, texts);
    }

    DialectTemplates of(Dialect dialect) {
        return switch (dialect) {
            case OPENAI -> openai;
            case ANTHROPIC -> anthropic;
            case GEMINI -> gemini;
        };
    }

    /** The text of every answer of this shape, as the JSON answer carries it. */
    String text() {
        return String.join("", texts);
    }

    /** Chunk {@code i}'s text: {@code chunkBytes} consecutive characters of the filler, wrapping around. */
    static String[] texts(int chunks, int chunkBytes) {
        String[] out = new String[chunks];
        StringBuilder sb = new StringBuilder(chunkBytes);
        int pos = 0;
        for (int i = 0; i < chunks; i++) {
            sb.setLength(0);
            for (int j = 0; j < chunkBytes; j++) {
                sb.append(FILLER.charAt(pos));
                pos = pos + 1 == FILLER.length() ? 0 : pos + 1;
            }
            out[i] = sb.toString();
        }
        return out;
    }

    /** The shapes of one mock. Lookups are lock-free; a new shape is built once, on the event loop that asks. */
    static final class Cache {
        private final ConcurrentHashMap<Long, AnswerTemplates> shapes = new ConcurrentHashMap<>();

        /** The shape's templates, or {@code null} when {@link #MAX_SHAPES} distinct shapes are already kept. */
        AnswerTemplates get(int chunks, int chunkBytes) {
            Long key = ((long) chunks << 32) | chunkBytes;
            AnswerTemplates t = shapes.get(key);
            if (t != null) {
                return t;
            }
            if (shapes.size() >= MAX_SHAPES) {
                return null;
            }
            return shapes.computeIfAbsent(key, k -> new AnswerTemplates(chunks, chunkBytes));
        }
    }
}
