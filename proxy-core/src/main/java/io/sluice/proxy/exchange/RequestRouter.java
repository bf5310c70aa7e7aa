package io.sluice.proxy.exchange;

/**
 * What the server edge asks, once per request head, for the {@link RequestHandler} that answers it. The edge knows
 * nothing else of what lies behind it (the service layer's {@code Dispatcher} in the proxy, a stub in tests).
 */
public interface RequestRouter {

    /** The handler of a request whose head could not be decoded: its answer is the edge's 400 or 431. */
    RequestHandler malformed(InboundRequest request);

    /** The handler of {@code request}. */
    RequestHandler open(InboundRequest request);
}
