/**
 * Request rewrites the operator asks for: the global system prompt and the thinking budget, from their settings to
 * what one request gets ({@link io.sluice.proxy.rewrite.RequestRewrites}).
 */
package io.sluice.proxy.rewrite;
