package io.sluice.codec.dialect;

/**
 * A request whose translation would do more work than its budget allows (DESIGN.md 7): nothing a request can trigger
 * runs unbounded on an event loop. It is the request's fault, answered 400 naming the limit; the message says which
 * part of the request and which limit.
 */
public final class WorkBudgetException extends RuntimeException {

    private final String param;

    /** @param param the request field at fault ({@code tools[2].parameters}), or null */
    public WorkBudgetException(String message, String param) {
        super(message, null, false, false);
        this.param = param;
    }

    public String param() {
        return param;
    }
}
