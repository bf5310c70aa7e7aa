package io.sluice.codec.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Picks the top-level {@code usage} object and notices a top-level {@code error} in an OpenAI response object, from
 * {@link JsonFeeder} tokens, skipping everything else by depth counting.
 */
final class ResponseReader {

    private enum State {
        /** Before the first token: only an object can hold what we look for. */
        ROOT_START,
        ROOT_FIELD,
        ROOT_VALUE,
        USAGE_FIELD,
        USAGE_VALUE,
        /** Inside {@code prompt_tokens_details} or {@code completion_tokens_details}. */
        DETAILS_FIELD,
        DETAILS_VALUE,
        /** Inside a value nobody asked for; {@link #skipDepth} counts the open containers. */
        SKIP,
        /** The root value ended; anything after it is ignored. */
        DONE
    }

    private enum Field {
        USAGE, ERROR, PROMPT, COMPLETION, TOTAL, PROMPT_DETAILS, COMPLETION_DETAILS, CACHED, REASONING, OTHER
    }

    private State state = State.ROOT_START;
    private State afterSkip;
    private int skipDepth;
    private Field field;
    private Field details;
    private long prompt;
    private long completion;
    private long total;
    private long cached;
    private long reasoning;
    private Usage usage;
    private boolean errorSeen;

    /** The last complete top-level {@code usage} object, or {@code null}. */
    Usage usage() {
        return usage;
    }

    /** Whether a top-level {@code error} held an object or a string (not {@code null}). */
    boolean errorSeen() {
        return errorSeen;
    }

    /** Whether the root value is complete. */
    boolean done() {
        return state == State.DONE;
    }

    void onToken(JsonToken token, JsonParser p) {
        switch (state) {
            case ROOT_START -> {
                if (token == JsonToken.START_OBJECT) {
                    state = State.ROOT_FIELD;
                } else {
                    skip(token, State.DONE); // an array or a scalar: nothing to find
                }
            }
            case ROOT_FIELD -> {
                if (token == JsonToken.END_OBJECT) {
                    state = State.DONE;
                } else {
                    field = rootField(name(p));
                    state = State.ROOT_VALUE;
                }
            }
            case ROOT_VALUE -> {
                if (field == Field.USAGE && token == JsonToken.START_OBJECT) {
                    prompt = completion = total = cached = reasoning = Usage.ABSENT;
                    state = State.USAGE_FIELD;
                    return;
                }
                if (field == Field.ERROR && (token == JsonToken.START_OBJECT || token == JsonToken.VALUE_STRING)) {
                    errorSeen = true;
                }
                skip(token, State.ROOT_FIELD);
            }
            case USAGE_FIELD -> {
                if (token == JsonToken.END_OBJECT) {
                    usage = new Usage(prompt, completion, total, cached, reasoning);
                    state = State.ROOT_FIELD;
                } else {
                    field = usageField(name(p));
                    state = State.USAGE_VALUE;
                }
            }
            case USAGE_VALUE -> {
                if ((field == Field.PROMPT_DETAILS || field == Field.COMPLETION_DETAILS)
                        && token == JsonToken.START_OBJECT) {
                    details = field;
                    state = State.DETAILS_FIELD;
                    return;
                }
                switch (field) {
                    case PROMPT -> prompt = count(token, p);
                    case COMPLETION -> completion = count(token, p);
                    case TOTAL -> total = count(token, p);
                    default -> { }
                }
                skip(token, State.USAGE_FIELD);
            }
            case DETAILS_FIELD -> {
                if (token == JsonToken.END_OBJECT) {
                    state = State.USAGE_FIELD;
                } else {
                    String name = name(p);
                    field = details == Field.PROMPT_DETAILS && "cached_tokens".equals(name) ? Field.CACHED
                            : details == Field.COMPLETION_DETAILS && "reasoning_tokens".equals(name) ? Field.REASONING
                            : Field.OTHER;
                    state = State.DETAILS_VALUE;
                }
            }
            case DETAILS_VALUE -> {
                if (field == Field.CACHED) {
                    cached = count(token, p);
                } else if (field == Field.REASONING) {
                    reasoning = count(token, p);
                }
                skip(token, State.DETAILS_FIELD);
            }
            case SKIP -> {
                if (token.isStructStart()) {
                    skipDepth++;
                } else if (token.isStructEnd() && --skipDepth == 0) {
                    state = afterSkip;
                }
            }
            case DONE -> { }
        }
    }

    /** Moves past the value starting with {@code token}, then continues in {@code next}. */
    private void skip(JsonToken token, State next) {
        if (token.isStructStart()) {
            skipDepth = 1;
            afterSkip = next;
            state = State.SKIP;
        } else {
            state = next;
        }
    }

    private static Field rootField(String name) {
        return switch (name) {
            case "usage" -> Field.USAGE;
            case "error" -> Field.ERROR;
            default -> Field.OTHER;
        };
    }

    private static Field usageField(String name) {
        return switch (name) {
            case "prompt_tokens" -> Field.PROMPT;
            case "completion_tokens" -> Field.COMPLETION;
            case "total_tokens" -> Field.TOTAL;
            case "prompt_tokens_details" -> Field.PROMPT_DETAILS;
            case "completion_tokens_details" -> Field.COMPLETION_DETAILS;
            default -> Field.OTHER;
        };
    }

    private static String name(JsonParser p) {
        try {
            return p.currentName();
        } catch (IOException e) {
            return "";
        }
    }

    /** A non-negative whole number, else {@link Usage#ABSENT}: a count we cannot trust is not a count. */
    private static long count(JsonToken token, JsonParser p) {
        try {
            if (token == JsonToken.VALUE_NUMBER_INT) {
                long n = p.getLongValue();
                return n >= 0 ? n : Usage.ABSENT;
            }
            if (token == JsonToken.VALUE_NUMBER_FLOAT) { // some providers send 12.0
                double d = p.getDoubleValue();
                return d >= 0 && d <= 1e15 && d == Math.rint(d) ? (long) d : Usage.ABSENT;
            }
        } catch (IOException e) { // out of range for a long
            return Usage.ABSENT;
        }
        return Usage.ABSENT;
    }
}
