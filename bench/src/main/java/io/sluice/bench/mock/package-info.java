/**
 * A fake LLM provider for benchmarks and tests: {@link io.sluice.bench.mock.MockUpstream} serves OpenAI chat
 * completions, Anthropic messages and Gemini generateContent, JSON and SSE, from bodies encoded once per shape.
 *
 * <p>Standalone: {@code java -cp … io.sluice.bench.mock.MockUpstreamMain --port 8090 --chunks 20 --chunk-delay-ms 10};
 * in code: {@code MockUpstream.start(MockUpstreamSettings.builder().port(0).build())}. Any request can change its own
 * answer with {@code x-mock-*} headers ({@link io.sluice.bench.mock.MockHeaders}). Faults are drawn by
 * {@link io.sluice.bench.mock.FaultPlan} from the seed and the request's number, which the response carries in
 * {@code x-mock-seq}.
 */
package io.sluice.bench.mock;
