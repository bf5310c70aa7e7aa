/**
 * Wire dialects: each subpackage ({@code openai}, {@code anthropic}, {@code gemini}, {@code responses}) implements
 * {@link io.sluice.codec.dialect.Dialect} for one API, translating requests to and from {@link
 * io.sluice.codec.hub.HubRequest} and responses to and from {@link io.sluice.codec.hub.HubListener} events.
 *
 * <p>Ownership as elsewhere in codec: methods taking a {@code ByteBuf} never take ownership; returned buffers belong
 * to the caller.
 */
package io.sluice.codec.dialect;
