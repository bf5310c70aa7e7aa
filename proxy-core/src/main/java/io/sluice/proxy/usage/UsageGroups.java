package io.sluice.proxy.usage;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Groups counts per (provider, model, key, client) tuple four ways into a {@link UsageLedger.Snapshot}: the ledger's
 * own counts, or the sum of several instances' counts (the cluster figures of shared state).
 */
public final class UsageGroups {

    private static final Comparator<UsageLedger.Row> ROW_ORDER = Comparator
            .comparingLong((UsageLedger.Row r) -> r.totals().requests()).reversed()
            .thenComparing(UsageLedger.Row::provider, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(UsageLedger.Row::model, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(UsageLedger.Row::key, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(UsageLedger.Row::client, Comparator.nullsLast(Comparator.naturalOrder()));

    private final Map<UsageTuple, Counts> tuples = new HashMap<>();

    /** Adds {@code totals} to the finest tuple {@code provider, model, key, client}. */
    public UsageGroups add(String provider, String model, String key, String client, UsageTotals totals) {
        tuples.computeIfAbsent(new UsageTuple(provider, model, key, client), t -> new Counts()).add(Counts.of(totals));
        return this;
    }

    /** Adds every finest-tuple row of {@code rows}. */
    public UsageGroups addAll(Collection<UsageLedger.Row> rows) {
        for (UsageLedger.Row r : rows) {
            add(r.provider(), r.model(), r.key(), r.client(), r.totals());
        }
        return this;
    }

    void add(UsageTuple t, Counts c) {
        tuples.computeIfAbsent(t, k -> new Counts()).add(c);
    }

    /** The sum over every tuple added. */
    public UsageTotals total() {
        Counts total = new Counts();
        tuples.values().forEach(total::add);
        return total.toTotals();
    }

    /** The counts grouped four ways; each list sums to the total. */
    public UsageLedger.Snapshot snapshot(long since) {
        Counts total = new Counts();
        Map<UsageTuple, Counts> byProvider = new HashMap<>();
        Map<UsageTuple, Counts> byModel = new HashMap<>();
        Map<UsageTuple, Counts> byKey = new HashMap<>();
        Map<UsageTuple, Counts> byClient = new HashMap<>();
        tuples.forEach((t, c) -> {
            total.add(c);
            sum(byProvider, new UsageTuple(t.provider(), null, null, null), c);
            sum(byModel, new UsageTuple(t.provider(), t.model(), null, null), c);
            sum(byKey, new UsageTuple(t.provider(), null, t.key(), null), c);
            sum(byClient, new UsageTuple(null, null, null, t.client()), c);
        });
        return new UsageLedger.Snapshot(since, total.toTotals(), rows(byProvider), rows(byModel), rows(byKey),
                rows(byClient));
    }

    private static void sum(Map<UsageTuple, Counts> group, UsageTuple key, Counts c) {
        group.computeIfAbsent(key, k -> new Counts()).add(c);
    }

    private static List<UsageLedger.Row> rows(Map<UsageTuple, Counts> group) {
        List<UsageLedger.Row> rows = new ArrayList<>(group.size());
        group.forEach((t, c) -> rows.add(new UsageLedger.Row(t.provider(), t.model(), t.key(), t.client(),
                c.toTotals())));
        rows.sort(ROW_ORDER);
        return rows;
    }
}
