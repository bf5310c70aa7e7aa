package io.sluice.bench.load;

import java.util.Locale;

/** Why a request did not count as a success. */
public enum ErrorKind {
    /** The response status was not 2xx. The response was read to its end and the connection kept. */
    STATUS,
    /** The connection could not be opened. */
    CONNECT,
    /** The connection closed or was reset before the response ended (for a stream: mid-stream). */
    RESET,
    /** A stream ended cleanly at the HTTP level but inside an event or without its terminal event. */
    TRUNCATED,
    /** The response was not valid HTTP/1.1, or an SSE event outgrew the framer's limit. */
    PROTOCOL,
    /** No complete response within the request timeout; the connection was closed. */
    TIMEOUT,
    /** Open loop only: the request was due but still waiting for a connection when the run ended. */
    NOT_SENT;

    /** The lower-case name used in JSON and summaries. */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
