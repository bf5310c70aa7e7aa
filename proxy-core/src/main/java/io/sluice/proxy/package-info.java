/**
 * Sluice's running proxy. {@link io.sluice.proxy.ProxyContext} is the composition root: it builds every service
 * once from the config and wires them; {@link io.sluice.proxy.SluiceServer} binds the listener and shuts down
 * gracefully. Packages import only packages of lower layers (README, Architecture; enforced by ArchitectureTest):
 * cli, root, server, service, admin, access, schedule, route, upstream and mock, exchange, ops, logs/usage/metrics,
 * json and transport, config.
 */
package io.sluice.proxy;
