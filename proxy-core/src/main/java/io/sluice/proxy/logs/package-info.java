/**
 * Per-provider log rings and files, and the opt-in request logger (secrets masked).
 */
package io.sluice.proxy.logs;
