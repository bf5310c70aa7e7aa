/**
 * Pools of upstream connections (one per origin per event loop) and {@link io.sluice.proxy.upstream.UpstreamRelay},
 * one attempt at one provider: it reports its outcome and knows nothing of retries.
 */
package io.sluice.proxy.upstream;
