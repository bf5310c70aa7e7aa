/**
 * Keys, limits, breakers and the concurrency gate of each provider, and {@link io.sluice.proxy.schedule.AttemptLoop}:
 * one client request tried on provider + key candidates until one commits, consuming one sealed
 * {@link io.sluice.proxy.exchange.Outcome} per attempt (retry on another key or provider before the first byte only).
 */
package io.sluice.proxy.schedule;
