package io.sluice.proxy.exchange;

/** Produces one response into a {@link ResponseSink}. All callbacks run on the sink's event loop. */
public interface Exchange {

    /** Begins producing. */
    void start();

    /** The client can take more bytes again (its channel became writable). */
    void clientWritable();

    /** The client went away or the server is closing: stop, release everything, close what can't be reused. */
    void abort();
}
