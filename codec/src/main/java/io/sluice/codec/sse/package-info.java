/**
 * Server-Sent Events: {@link io.sluice.codec.sse.SseFramer} turns chunks into events,
 * {@link io.sluice.codec.sse.SseWriter} turns payloads into bytes.
 *
 * <p>Ownership: a method that takes a {@code ByteBuf} does not take ownership unless its javadoc says so; a buffer
 * returned or handed to a listener belongs to the receiver, which releases it or passes it on.
 */
package io.sluice.codec.sse;
