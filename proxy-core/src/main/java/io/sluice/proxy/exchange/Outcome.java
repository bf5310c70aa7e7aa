package io.sluice.proxy.exchange;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * How one attempt at an upstream ended; every attempt reports exactly one. The attempt's producer (a relay, the
 * mock) knows nothing of retries: it reports, and whoever started it decides what happens next.
 */
public sealed interface Outcome {

    /** Receives the one outcome of an attempt, on the attempt's event loop. */
    interface Listener {
        void outcome(Outcome outcome);
    }

    /** The answer went to the client whole (a 2xx, or an error the producer itself answered the client with). */
    record Committed() implements Outcome {
        public static final Committed INSTANCE = new Committed();
    }

    /**
     * Nothing reached the client: an error status, a 2xx carrying an error or nothing ({@code status} 200), or a
     * transport failure ({@code status} 0, {@code cause} set). The producer has ended and released what it held;
     * {@code answer} is what the client should get if nobody tries again.
     *
     * @param retryAfter the provider's {@code Retry-After}, or null
     * @param body       the provider's error body (cut, as text; unmasked: for classification only), or null
     */
    record FailedEarly(int status, String retryAfter, String body, Throwable cause, EarlyAnswer answer)
            implements Outcome {
    }

    /**
     * The response failed after its head reached the client; the producer has told the client as it could.
     *
     * @param clientStalled reads from the upstream were paused for a client that was not reading (backpressure) when
     *                      it failed: the client's doing as much as the provider's, so it is no provider failure
     */
    record FailedLate(Throwable cause, boolean clientStalled) implements Outcome {

        public FailedLate(Throwable cause) {
            this(cause, false);
        }
    }

    /** The client went away (or the exchange was aborted) first. */
    record Aborted() implements Outcome {
        public static final Aborted INSTANCE = new Aborted();
    }

    /**
     * What the client gets for an early failure nobody retried: the provider's own error body (masked, in the
     * provider's dialect, translated on the way like any answer) when it is a JSON error, else Sluice's error.
     *
     * @param providerBody a JSON error body of the provider's dialect to relay with {@code status}, or null
     * @param retryAfterSeconds {@code Retry-After} to send, or -1
     */
    record EarlyAnswer(HttpResponseStatus status, String message, String code, String providerBody,
                       long retryAfterSeconds) {

        public EarlyAnswer(HttpResponseStatus status, String message, String code) {
            this(status, message, code, null, -1);
        }

        /** Writes this answer into {@code sink} (the attempt's, so that a provider body is translated). */
        public void writeTo(ResponseSink sink) {
            if (providerBody != null) {
                sink.head(HttpResponses.json(status, HttpResponses.utf8(sink.alloc(), providerBody)));
                sink.end(null);
            } else if (retryAfterSeconds >= 0) {
                sink.failRetryAfter(status, message, code, retryAfterSeconds);
            } else {
                sink.fail(status, message, code);
            }
        }
    }
}
