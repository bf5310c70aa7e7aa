package io.sluice.proxy.usage;

import java.util.concurrent.atomic.LongAdder;

/** Counters bumped from any thread, event loops included: {@link LongAdder}s, no lock, no CAS retry loop. */
final class LiveCounts {

    private final LongAdder requests = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder estimated = new LongAdder();
    private final LongAdder promptTokens = new LongAdder();
    private final LongAdder completionTokens = new LongAdder();
    private final LongAdder cachedTokens = new LongAdder();
    private final LongAdder reasoningTokens = new LongAdder();
    private final LongAdder deduplicated = new LongAdder();

    void add(UsageRecord r) {
        requests.increment();
        if (r.isError()) {
            errors.increment();
        }
        if (r.estimated()) {
            estimated.increment();
        }
        if (r.deduplicated()) {
            deduplicated.increment();
        }
        add(promptTokens, r.promptTokens());
        add(completionTokens, r.completionTokens());
        add(cachedTokens, r.cachedTokens());
        add(reasoningTokens, r.reasoningTokens());
    }

    void add(Counts c) {
        add(requests, c.requests);
        add(errors, c.errors);
        add(estimated, c.estimated);
        add(promptTokens, c.promptTokens);
        add(completionTokens, c.completionTokens);
        add(cachedTokens, c.cachedTokens);
        add(reasoningTokens, c.reasoningTokens);
        add(deduplicated, c.deduplicated);
    }

    /** A moment's sums; not atomic across fields while records arrive, exact once they stop. */
    Counts sum() {
        Counts c = new Counts();
        c.requests = requests.sum();
        c.errors = errors.sum();
        c.estimated = estimated.sum();
        c.promptTokens = promptTokens.sum();
        c.completionTokens = completionTokens.sum();
        c.cachedTokens = cachedTokens.sum();
        c.reasoningTokens = reasoningTokens.sum();
        c.deduplicated = deduplicated.sum();
        return c;
    }

    /**
     * Takes the sums out. Each adder cell is swapped to 0 atomically, so an add racing with this lands either in
     * the result or in the next take, never nowhere; a record's fields may be split across two takes.
     */
    Counts take() {
        Counts c = new Counts();
        c.requests = requests.sumThenReset();
        c.errors = errors.sumThenReset();
        c.estimated = estimated.sumThenReset();
        c.promptTokens = promptTokens.sumThenReset();
        c.completionTokens = completionTokens.sumThenReset();
        c.cachedTokens = cachedTokens.sumThenReset();
        c.reasoningTokens = reasoningTokens.sumThenReset();
        c.deduplicated = deduplicated.sumThenReset();
        return c;
    }

    private static void add(LongAdder adder, long x) {
        if (x != 0) { // most records have no cached or reasoning tokens: skip the CAS
            adder.add(x);
        }
    }
}
