/**
 * Incremental JSON over Netty buffers, on jackson-core's non-blocking parser and without building trees:
 * {@link io.sluice.codec.json.JsonFeeder} underneath, {@link io.sluice.codec.json.ChatRequestScanner} for request
 * bodies, {@link io.sluice.codec.json.ModelSplice} to rename the model without re-serializing,
 * {@link io.sluice.codec.json.UsageScanner} for usage accounting on passthrough responses.
 *
 * <p>Ownership: methods taking a {@code ByteBuf} never take ownership; whatever they keep beyond the call is a retained
 * slice they release themselves. Returned buffers belong to the caller.
 */
package io.sluice.codec.json;
