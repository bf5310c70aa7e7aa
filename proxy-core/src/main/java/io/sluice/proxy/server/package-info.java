/**
 * The Netty edge, which knows nothing of LLMs: {@link io.sluice.proxy.server.ClientPipeline} installs, per
 * connection, the HTTP codec, {@code ExpectContinue} (413 before the body), {@code ConnectionGuard} (idle timeout,
 * pipelined requests held until the response before them ends) and {@code RequestReader} (one request at a time,
 * body bounded and timed, answered through its {@code ResponseWriter}: keep-alive, chunk framing, errors).
 */
package io.sluice.proxy.server;
