/**
 * The contracts between the layers: {@link io.sluice.proxy.exchange.Exchange} (one response being produced),
 * {@link io.sluice.proxy.exchange.ResponseSink} (where it goes), {@link io.sluice.proxy.exchange.RequestHandler}
 * (one request as a service answers it), {@link io.sluice.proxy.exchange.UpstreamRequest} and
 * {@link io.sluice.proxy.exchange.Outcome}; plus the one splice-or-translate decision
 * ({@link io.sluice.proxy.exchange.RequestPlanner}) and the sinks that translate or keep a stream alive.
 */
package io.sluice.proxy.exchange;
