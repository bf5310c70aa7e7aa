/**
 * Request dedup and in-flight coalescing: the canonical signature of a model request, the bounded cache of recent
 * answers, and the one upstream answer shared by every client that asked the same thing while it was in flight.
 */
package io.sluice.proxy.dedup;
