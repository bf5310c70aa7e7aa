package io.sluice.proxy.dedup;

import java.util.List;
import java.util.Map;

/**
 * A cached answer as instances share it (DESIGN.md 6): what one instance cached, another caches too, so that the same
 * request answered by one is a hit on every other without a Redis round trip on the request path.
 *
 * @param signature  the request's signature, 32 hex digits (signatures are the same on every instance)
 * @param ttlMillis  how long it is still fresh
 * @param status     the answer's status
 * @param headers    the answer's headers, in order
 * @param full       whether it was one full response (else a head, a body and an end)
 * @param body       the whole body
 */
public record SharedAnswer(String signature, long ttlMillis, int status, List<Map.Entry<String, String>> headers,
                           boolean full, byte[] body) {

    public SharedAnswer {
        headers = List.copyOf(headers);
    }

    /** Where this instance's cached answers go; called on an event loop: hand the work over, never block. */
    public interface Sink {
        void publish(SharedAnswer a);
    }
}
