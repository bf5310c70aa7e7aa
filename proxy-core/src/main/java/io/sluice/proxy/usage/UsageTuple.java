package io.sluice.proxy.usage;

/**
 * The finest grouping the ledger keeps: every other view (per provider, per model, ...) is a sum over these. In a
 * coarser view the fields that are not grouped on are null.
 */
record UsageTuple(String provider, String model, String key, String client) {

    static UsageTuple of(UsageRecord r) {
        return new UsageTuple(r.provider(), r.model(), r.key(), r.client());
    }
}
