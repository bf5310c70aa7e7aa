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
