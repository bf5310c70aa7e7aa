/**
 * Build-time helpers with no behaviour (the forbidden-apis suppression annotation).
 */
package io.sluice.proxy.internal;
