/**
 * The Netty edge, which knows nothing of LLMs: {@link io.sluice.proxy.server.ClientPipeline} installs, per
 * connection, the HTTP codec, {@code ConnectionGuard} (idle timeout, pipelined requests held until the response
 * before them ends) and {@code RequestReader} (one request at a time, head and body timed from the first byte, body
 * bounded, {@code Expect: 100-continue} answered once admitted, answered through its {@code ResponseWriter}:
 * keep-alive, chunk framing, errors). {@code ConnectionLimit} caps open connections process-wide.
 */
package io.sluice.proxy.server;
