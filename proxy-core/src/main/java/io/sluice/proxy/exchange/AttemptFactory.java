package io.sluice.proxy.exchange;

/** Makes the exchange of one attempt: an upstream relay, or the built-in mock. Wired once by the composition root. */
public interface AttemptFactory {

    /**
     * An exchange (not started) that answers {@code request} into {@code sink} with the provider key at
     * {@code keyIndex} (-1 for none), and reports its one {@link Outcome} to {@code listener}.
     */
    Exchange create(UpstreamRequest request, ResponseSink sink, int keyIndex, Outcome.Listener listener);
}
