/**
 * Model names to provider and upstream model: exact ids, prefixes, aliases, combos, wildcards
 * ({@link io.sluice.proxy.route.ModelRouter}); {@link io.sluice.proxy.route.Routing} holds the router in force and
 * swaps it when discovered model lists change.
 */
package io.sluice.proxy.route;
