/**
 * Immutable config records, built and validated once at startup from YAML, {@code .env} and the environment;
 * depends on no other proxy package.
 */
package io.sluice.proxy.config;
