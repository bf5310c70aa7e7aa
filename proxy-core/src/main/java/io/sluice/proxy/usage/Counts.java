package io.sluice.proxy.usage;

/** Plain counters for one thread: replay, the writer's view of the file, snapshot sums. */
final class Counts {

    long requests;
    long errors;
    long estimated;
    long promptTokens;
    long completionTokens;
    long cachedTokens;
    long reasoningTokens;
    long deduplicated;

    static Counts of(UsageRecord r) {
        Counts c = new Counts();
        c.add(r);
        return c;
    }

    static Counts of(UsageTotals t) {
        Counts c = new Counts();
        c.requests = t.requests();
        c.errors = t.errors();
        c.estimated = t.estimatedRequests();
        c.promptTokens = t.promptTokens();
        c.completionTokens = t.completionTokens();
        c.cachedTokens = t.cachedTokens();
        c.reasoningTokens = t.reasoningTokens();
        c.deduplicated = t.dedupRequests();
        return c;
    }

    /** {@code this - c}, field by field, never below 0. */
    Counts minus(Counts c) {
        Counts d = new Counts();
        d.requests = Math.max(0, requests - c.requests);
        d.errors = Math.max(0, errors - c.errors);
        d.estimated = Math.max(0, estimated - c.estimated);
        d.promptTokens = Math.max(0, promptTokens - c.promptTokens);
        d.completionTokens = Math.max(0, completionTokens - c.completionTokens);
        d.cachedTokens = Math.max(0, cachedTokens - c.cachedTokens);
        d.reasoningTokens = Math.max(0, reasoningTokens - c.reasoningTokens);
        d.deduplicated = Math.max(0, deduplicated - c.deduplicated);
        return d;
    }

    void add(UsageRecord r) {
        requests++;
        if (r.isError()) {
            errors++;
        }
        if (r.estimated()) {
            estimated++;
        }
        if (r.deduplicated()) {
            deduplicated++;
        }
        promptTokens += r.promptTokens();
        completionTokens += r.completionTokens();
        cachedTokens += r.cachedTokens();
        reasoningTokens += r.reasoningTokens();
    }

    void add(Counts c) {
        requests += c.requests;
        errors += c.errors;
        estimated += c.estimated;
        promptTokens += c.promptTokens;
        completionTokens += c.completionTokens;
        cachedTokens += c.cachedTokens;
        reasoningTokens += c.reasoningTokens;
        deduplicated += c.deduplicated;
    }

    boolean isZero() {
        return (requests | errors | estimated | promptTokens | completionTokens | cachedTokens | reasoningTokens
                | deduplicated) == 0;
    }

    UsageTotals toTotals() {
        return new UsageTotals(requests, errors, promptTokens, completionTokens, cachedTokens, reasoningTokens,
                estimated, deduplicated);
    }
}
