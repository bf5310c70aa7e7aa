/**
 * The usage ledger: counts per provider, model, key and client, kept in an append-only JSON-lines file.
 */
package io.sluice.proxy.usage;
