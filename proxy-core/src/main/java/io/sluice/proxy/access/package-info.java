/**
 * The admission chain ({@link io.sluice.proxy.access.Admission}): IP rules and client key at the head, rate limits
 * before routing, the key's model allow-list after it; every step refuses with one
 * {@link io.sluice.proxy.access.Access.Denial}.
 */
package io.sluice.proxy.access;
