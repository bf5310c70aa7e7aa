/**
 * State that outlives a request: one interface per concern, with an embedded implementation (memory, persisted in
 * the data directory) and, later, a shared one. Knows nothing of requests or the wire.
 */
package io.sluice.proxy.state;
