package io.sluice.codec.rewrite;

import io.netty.buffer.ByteBuf;
import io.sluice.codec.dialect.Dialect;
import io.sluice.codec.dialect.RequestException;
import io.sluice.codec.dialect.WorkBudgetException;
import io.sluice.codec.hub.Reasoning;
import io.sluice.codec.json.JsonStrings;
import io.sluice.codec.json.RequestOutline;
import io.sluice.codec.json.RequestOutline.Runs;
import io.sluice.codec.json.RequestOutline.Span;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * One dialect's places for a system prompt and a thinking configuration, in the client's own bytes: what the scanner
 * must outline as the body arrives ({@link #outline()}), and the edits that put a {@link Rewrite} there
 * ({@link #plan}) without re-serializing the body. The work is a handful of edits whatever the body's size, except
 * removing system messages ({@link PromptMode#REPLACE}), bounded by {@link RequestOutline#MAX_RUNS} runs.
 */
public abstract class BodyRewriter {

    private final RequestOutline.Paths paths;

    BodyRewriter(Set<String> paths, Set<String> roleArrays, boolean camelCase) {
        this.paths = new RequestOutline.Paths(paths, roleArrays, camelCase);
    }

    /** The rewriter of {@code d}'s request bodies. */
    public static BodyRewriter of(Dialect d) {
        return switch (d.name()) {
            case "anthropic" -> MessagesBodyRewriter.INSTANCE;
            case "gemini" -> GeminiBodyRewriter.INSTANCE;
            case "responses" -> ResponsesBodyRewriter.INSTANCE;
            default -> ChatBodyRewriter.INSTANCE;
        };
    }

    /** A new outline for one body of this dialect, to give the scanner. */
    public final RequestOutline outline() {
        return new RequestOutline(paths);
    }

    /** The request's size, from a complete outline of its body of {@code bodyBytes} bytes. */
    public abstract RequestSize size(RequestOutline o, long bodyBytes);

    /** Whether the body carries a thinking configuration of its own (not null). */
    public abstract boolean asksThinking(RequestOutline o) throws RequestException;

    /**
     * The edits that put {@code r} into {@code body}, whose complete outline is {@code o}, and the parts that act.
     *
     * @param body the client's body, read only (a {@code cache_control} kept by a replacement is copied from it)
     * @throws RequestException     when a member the rewrite changes is there twice
     * @throws WorkBudgetException  when removing system messages would take more than its budget
     */
    public final RewritePlan plan(RequestOutline o, ByteBuf body, Rewrite r) throws RequestException {
        if (r == null || r.isEmpty() || o == null || !o.complete()) {
            return RewritePlan.NONE;
        }
        Edits e = new Edits();
        Rewrite.SystemPrompt prompt = r.systemPrompt();
        if (prompt != null && !prompt(o, body, prompt, e)) {
            prompt = null;
        }
        Rewrite.Thinking thinking = r.thinking();
        if (thinking != null) {
            boolean asks = asksThinking(o);
            if (!(asks || !thinking.strip() && thinking.inject()) || !thinking(o, thinking, e)) {
                thinking = null;
            }
        }
        Rewrite effective = new Rewrite(prompt, thinking);
        return effective.isEmpty() ? RewritePlan.NONE : new RewritePlan(e.finish(), effective);
    }

    /** Puts {@code p} into the body; false when the body has no usable place for it (nothing was added). */
    abstract boolean prompt(RequestOutline o, ByteBuf body, Rewrite.SystemPrompt p, Edits e) throws RequestException;

    /** Puts {@code t} into the body; false when it cannot act on this request (nothing was added). */
    abstract boolean thinking(RequestOutline o, Rewrite.Thinking t, Edits e) throws RequestException;

    // ---- helpers of the dialects ----

    /** The span at {@code path}, refusing a duplicate member: which one the provider reads is anyone's guess. */
    static Span span(RequestOutline o, String path) throws RequestException {
        Span s = o.span(path);
        if (s != null && s.occurrences() > 1) {
            throw new RequestException("`" + path + "` appears more than once in the request; Sluice rewrites it"
                    + " (system prompt or thinking budget) and cannot tell which one the provider would read"
                    + " (expected: each member once)", path);
        }
        return s;
    }

    /** Whether {@code s} holds a value other than null. */
    static boolean present(Span s) {
        return s != null && !s.isNull();
    }

    /** A string-valued system prompt ({@code system}, {@code instructions}) gets {@code p} spliced into it. */
    static void stringPrompt(Span s, Rewrite.SystemPrompt p, Edits e) {
        boolean empty = s.valueEnd() - s.valueStart() <= 2;
        switch (p.mode()) {
            case PREPEND -> {
                if (empty) {
                    e.value(s, JsonStrings.quote(p.text()));
                } else {
                    e.at(s.valueStart() + 1, JsonStrings.escape(p.text() + "\n\n"));
                }
            }
            case APPEND -> {
                if (empty) {
                    e.value(s, JsonStrings.quote(p.text()));
                } else {
                    e.at(s.valueEnd() - 1, JsonStrings.escape("\n\n" + p.text()));
                }
            }
            case REPLACE -> e.value(s, JsonStrings.quote(p.text()));
        }
    }

    /** Removes the runs of system (or developer) messages of role array {@code path}. */
    static void removeSystemRuns(Runs runs, String path, Edits e) {
        if (runs == null) {
            return;
        }
        if (runs.overflow()) {
            throw new WorkBudgetException("`" + path + "` has more than " + RequestOutline.MAX_RUNS
                    + " separate runs of system messages for the global system prompt to replace (limit: "
                    + RequestOutline.MAX_RUNS + ")", path);
        }
        for (int i = 0; i < runs.count(); i++) {
            if (runs.nextStart(i) >= 0) {
                e.cut(runs.start(i), runs.nextStart(i));
            } else if (runs.prevEnd(i) >= 0) {
                e.cut(runs.prevEnd(i), runs.end(i));
            } else {
                e.cut(runs.start(i), runs.end(i));
            }
        }
    }

    /** The effort level a budget maps to: the hub's one table ({@link Reasoning#effortLevel()}), quoted. */
    static String effort(int budget) {
        return JsonStrings.quote(Reasoning.ofBudget(budget).effortLevel());
    }

    /** The bytes of {@code s}'s value as text (a small object such as a {@code cache_control}). */
    static String raw(ByteBuf body, Span s) {
        return body.toString(body.readerIndex() + s.valueStart(), s.valueEnd() - s.valueStart(),
                StandardCharsets.UTF_8);
    }

    static int count(Span s) {
        return s != null && (s.isArray() || s.isObject()) ? s.children() : 0;
    }
}
