/**
 * Prometheus metrics (Micrometer), under the seeds' names.
 */
package io.sluice.proxy.metrics;
