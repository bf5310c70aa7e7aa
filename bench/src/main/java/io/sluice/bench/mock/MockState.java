package io.sluice.bench.mock;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** What every connection of one mock shares: settings, templates, the fault plan and the counters. */
final class MockState {

    final MockUpstreamSettings settings;
    final Behavior defaults;
    final FaultPlan faults;
    /** Numbers model requests, the input of {@link FaultPlan#decide}. */
    final AtomicLong sequence = new AtomicLong();
    final LongAdder requests = new LongAdder();
    private final AnswerTemplates defaultTemplates;
    private final AnswerTemplates.Cache cache = new AnswerTemplates.Cache();

    MockState(MockUpstreamSettings settings) {
        this.settings = settings;
        this.defaults = Behavior.of(settings);
        this.faults = new FaultPlan(settings.seed());
        this.defaultTemplates = cache.get(settings.chunks(), settings.chunkBytes());
    }

    /** Templates of the shape; {@code null} when too many distinct shapes were asked for. */
    AnswerTemplates templates(int chunks, int chunkBytes) {
        if (chunks == settings.chunks() && chunkBytes == settings.chunkBytes()) {
            return defaultTemplates;
        }
        return cache.get(chunks, chunkBytes);
    }
}
