package io.sluice.codec.hub;

import java.util.ArrayList;
import java.util.List;

/**
 * Where system messages stand in a conversation. The <em>leading</em> ones (before the first user, assistant or tool
 * message) are the system prompt every dialect has a place for; the others are mid-conversation system turns (OpenAI
 * chat and Responses accept them anywhere, Anthropic reads them from {@code messages} since Claude Code 2.1.197), which
 * dialects without such a turn fold into a user turn as a clearly marked {@linkplain #note note}.
 */
public final class SystemTurns {

    /** Opens the text of a mid-conversation system turn folded into a user turn. */
    public static final String NOTE_OPEN = "<system>\n";
    /** Closes it. */
    public static final String NOTE_CLOSE = "\n</system>";

    private SystemTurns() {
    }

    /** How many system messages open the conversation. */
    public static int leadingCount(List<Message> messages) {
        int n = 0;
        while (n < messages.size() && messages.get(n).role() == Role.SYSTEM) {
            n++;
        }
        return n;
    }

    /** Whether the message at {@code index} is a system message after the conversation started. */
    public static boolean isMidConversation(List<Message> messages, int index) {
        return messages.get(index).role() == Role.SYSTEM && index >= leadingCount(messages);
    }

    /** The leading system messages' text, joined by blank lines; empty when none. */
    public static String leadingText(List<Message> messages) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0, n = leadingCount(messages); i < n; i++) {
            String text = messages.get(i).joinedText();
            if (text.isEmpty()) {
                continue;
            }
            if (!sb.isEmpty()) {
                sb.append("\n\n");
            }
            sb.append(text);
        }
        return sb.toString();
    }

    /** A mid-conversation system message's text as a marked note for a user turn; empty when it has no text. */
    public static String note(Message system) {
        String text = system.joinedText();
        return text.isEmpty() ? "" : NOTE_OPEN + text + NOTE_CLOSE;
    }

    /**
     * The messages in an order every dialect accepts: a system message standing between an assistant's tool calls and
     * the tool results answering them (Anthropic puts a system turn before the user turn holding the results) moves
     * after those results, since OpenAI-shaped dialects want the results right after the calls. Returns
     * {@code messages} itself when nothing moves.
     */
    public static List<Message> toolSafeOrder(List<Message> messages) {
        List<Message> out = null;
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i).role() != Role.SYSTEM || i == 0 || messages.get(i - 1).role() != Role.ASSISTANT
                    || messages.get(i - 1).toolCalls().isEmpty()) {
                continue;
            }
            int end = i;
            while (end < messages.size() && messages.get(end).role() == Role.SYSTEM) {
                end++;
            }
            int results = end;
            while (results < messages.size() && messages.get(results).role() == Role.TOOL) {
                results++;
            }
            if (results == end) {
                continue;
            }
            if (out == null) {
                out = new ArrayList<>(messages);
            }
            List<Message> systems = new ArrayList<>(out.subList(i, end));
            out.subList(i, end).clear();
            out.addAll(results - (end - i), systems);
            messages = out;
            i = results - 1;
        }
        return out == null ? messages : out;
    }
}
