package io.sluice.codec.dialect;

/** A client request that is not valid in its dialect; the message is shown to the client in its error format. */
public final class RequestException extends Exception {

    private final String param;

    public RequestException(String message) {
        this(message, null);
    }

    /** @param param the offending field's path, e.g. {@code messages[2].content}, or null */
    public RequestException(String message, String param) {
        super(message, null, false, false);
        this.param = param;
    }

    public String param() {
        return param;
    }
}
