package io.sluice.proxy.state;

import java.util.Collection;
import java.util.concurrent.CompletionStage;

/**
 * Where Responses API answers are kept, per scope (client key). Every lookup is scoped: an answer of another scope is
 * absent, exactly as one that never existed. Expired answers are absent too. Calls may come from any event loop and
 * must not block on I/O.
 */
public interface ResponseStore extends AutoCloseable {

    /** The answer {@code id} of {@code scope}, or null. */
    StoredResponse get(String scope, String id);

    /** The answer of {@code scope} whose input or output holds the item {@code itemId}, or null. */
    StoredResponse owner(String scope, String itemId);

    /** Keeps {@code r}, replacing an answer of the same scope and id; evicts the oldest beyond the caps. */
    void put(StoredResponse r);

    /** Forgets the answer {@code id} of {@code scope}; false when there was none. */
    boolean delete(String scope, String id);

    /** Shared with other instances: references not held locally are worth a {@link #load}. */
    default boolean shared() {
        return false;
    }

    /**
     * Makes what {@link #get} and {@link #owner} would answer for these ids available locally: null when it is at
     * hand already (always, for the embedded store), else a stage completing (on another thread, never exceptionally)
     * once a shared store has read what it did not hold. Callers on an event loop go on from there on their loop.
     *
     * @param responseId an answer's id, or null
     * @param itemIds    ids of items referred to, possibly empty
     */
    default CompletionStage<Void> load(String scope, String responseId, Collection<String> itemIds) {
        return null;
    }

    /** Answers kept now, for tests and stats. */
    int size();

    /** Finishes pending writes; further writes are dropped. */
    @Override
    void close();
}
