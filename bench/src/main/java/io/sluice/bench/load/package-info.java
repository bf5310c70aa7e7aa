/**
 * The bench harness's load generator: a Netty HTTP/1.1 client that drives a target at a fixed arrival rate (open loop,
 * latency from the intended send time, so coordinated omission is corrected) or with a fixed number of requests in
 * flight (closed loop), optionally reading SSE streams, and records everything in HdrHistograms.
 *
 * <p>Entry points: {@link io.sluice.bench.load.LoadGenerator#run(io.sluice.bench.load.LoadSpec)} and the
 * {@link io.sluice.bench.load.LoadMain} command line.
 */
package io.sluice.bench.load;
