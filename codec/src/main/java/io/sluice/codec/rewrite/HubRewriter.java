package io.sluice.codec.rewrite;

import io.sluice.codec.hub.HubRequest;
import io.sluice.codec.hub.Message;
import io.sluice.codec.hub.Part;
import io.sluice.codec.hub.Reasoning;
import io.sluice.codec.hub.Role;
import java.util.Iterator;

/**
 * A rewrite on a request read into the hub, for a provider of another dialect: the system prompt becomes a system
 * message (each writer puts system messages in its dialect's place), the thinking budget the hub's reasoning (each
 * writer maps it: Anthropic {@code budget_tokens}, OpenAI and Responses effort, Gemini {@code thinkingBudget}).
 */
public final class HubRewriter {

    private HubRewriter() {
    }

    /** Applies {@code r} (the parts of a {@link RewritePlan} that act) to {@code hub}, once. */
    public static void apply(HubRequest hub, Rewrite r) {
        if (r == null) {
            return;
        }
        Rewrite.SystemPrompt p = r.systemPrompt();
        if (p != null) {
            switch (p.mode()) {
                case PREPEND -> hub.messages.add(0, Message.text(Role.SYSTEM, p.text()));
                case APPEND -> {
                    int i = 0;
                    while (i < hub.messages.size() && hub.messages.get(i).role() == Role.SYSTEM) {
                        i++;
                    }
                    hub.messages.add(i, Message.text(Role.SYSTEM, p.text()));
                }
                case REPLACE -> {
                    String cache = null; // the client's last cache breakpoint moves to the new prompt
                    for (Iterator<Message> it = hub.messages.iterator(); it.hasNext(); ) {
                        Message m = it.next();
                        if (m.role() == Role.SYSTEM) {
                            for (Part part : m.parts()) {
                                if (part instanceof Part.Text t && t.cacheControl() != null) {
                                    cache = t.cacheControl();
                                }
                            }
                            it.remove();
                        }
                    }
                    hub.messages.add(0, new Message(Role.SYSTEM).add(new Part.Text(p.text(), cache)));
                }
            }
        }
        Rewrite.Thinking t = r.thinking();
        if (t != null) {
            hub.reasoning = t.strip() ? null : Reasoning.ofBudget(t.budget());
        }
    }
}
