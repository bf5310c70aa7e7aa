/**
 * Request rewrites an operator applies to every matching request: a global system prompt and a thinking budget. Each
 * dialect knows where they go in its own bodies ({@link io.sluice.codec.rewrite.BodyRewriter}: spliced into the
 * client's bytes for a same-dialect passthrough) and the hub carries them to any other dialect
 * ({@link io.sluice.codec.rewrite.HubRewriter}).
 */
package io.sluice.codec.rewrite;
