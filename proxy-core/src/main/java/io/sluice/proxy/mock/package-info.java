/**
 * The built-in mock provider, an in-process {@link io.sluice.proxy.exchange.Exchange} answering in OpenAI's formats,
 * so that Sluice answers offline.
 */
package io.sluice.proxy.mock;
