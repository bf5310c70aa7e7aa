/**
 * Text to speech for {@code GET /tts}: the call to the configured speech upstream, streamed to every client that asks
 * for the same audio while it is being made, and a bounded cache of finished audio so that repeats and {@code Range}
 * requests are answered without another upstream call. Knows nothing of LLMs; uses the upstream pools.
 */
package io.sluice.proxy.speech;
