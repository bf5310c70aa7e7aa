package io.sluice.proxy.schedule;

/**
 * Where a failure belongs, which decides what the scheduler penalises (DESIGN §3 traps: a 400 that was the request's
 * fault must not rotate every key away).
 */
public enum Scope {
    /** The request itself is wrong (bad parameters, too long): no key or provider penalty, no retry elsewhere. */
    REQUEST,
    /** One model is unavailable on one key (model-scoped rate limit, model not found): lock that model on that key. */
    MODEL,
    /** The credential is rejected or exhausted (401/402/403, key-wide 429): cool the key down. */
    KEY,
    /** The provider is unwell (5xx, overloaded, connect error, timeout): the circuit breaker's business. */
    PROVIDER
}
