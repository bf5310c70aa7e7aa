/**
 * What happens to a finished request: one {@link io.sluice.proxy.ops.RequestTrace} per model request carries usage
 * and timing to metrics, the usage ledger, the provider logs and the sessions ({@link io.sluice.proxy.ops.Operations}).
 */
package io.sluice.proxy.ops;
