package io.sluice.codec.hub;

import java.util.ArrayList;
import java.util.List;

/**
 * A chat request in the hub's OpenAI shape, built by a dialect's request reader and written by another dialect's
 * request writer. Fields are null when the client left them unset, so writers send only what was asked for.
 *
 * <p>What a writer cannot express it drops on purpose and names in {@link #dropped()}, so a log line can say what was
 * lost; nothing is dropped silently.
 */
public final class HubRequest {

    /** The model the client named (before routing) or, after routing, the upstream model id. */
    public String model;
    public boolean stream;
    /** The client asked for a usage chunk in the stream (OpenAI {@code stream_options.include_usage}). */
    public boolean includeUsage;
    public final List<Message> messages = new ArrayList<>();
    public final List<Tool> tools = new ArrayList<>();
    public ToolChoice toolChoice;
    public Boolean parallelToolCalls;
    /** The output cap: OpenAI {@code max_completion_tokens}/{@code max_tokens}, Anthropic {@code max_tokens}, … */
    public Integer maxTokens;
    public Double temperature;
    public Double topP;
    public Integer topK;
    public final List<String> stop = new ArrayList<>(0);
    public ResponseFormat responseFormat;
    public Reasoning reasoning;
    public Long seed;
    public Double presencePenalty;
    public Double frequencyPenalty;
    /** End-user id: OpenAI {@code user}, Anthropic {@code metadata.user_id}. */
    public String user;
    /**
     * Provider quirk, set after routing: the name an OpenAI-dialect writer gives the output cap. Null means
     * {@code max_completion_tokens}; older OpenAI-compatible servers (Ollama, vLLM, GitHub Models' non-OpenAI
     * models) only know {@code max_tokens}.
     */
    public String maxTokensParam;
    private final List<String> dropped = new ArrayList<>(0);

    /** Records that {@code parameter} was not translated, on purpose. */
    public void drop(String parameter) {
        if (!dropped.contains(parameter)) {
            dropped.add(parameter);
        }
    }

    /** Parameters a reader or writer dropped deliberately, in the order met. */
    public List<String> dropped() {
        return dropped;
    }

    /** The system prompt: every system message's text, joined by blank lines; empty when none. */
    public String systemText() {
        StringBuilder sb = new StringBuilder();
        for (Message m : messages) {
            if (m.role() == Role.SYSTEM) {
                if (!sb.isEmpty()) {
                    sb.append("\n\n");
                }
                sb.append(m.joinedText());
            }
        }
        return sb.toString();
    }

    /** The function name of the call {@code toolCallId} answers, from earlier assistant messages; null if unknown. */
    public String toolName(String toolCallId) {
        for (Message m : messages) {
            for (ToolCall c : m.toolCalls()) {
                if (c.id() != null && c.id().equals(toolCallId)) {
                    return c.name();
                }
            }
        }
        return null;
    }
}
