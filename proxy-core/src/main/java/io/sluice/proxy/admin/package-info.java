/**
 * The operator's side: the monitoring API under {@code /api/}, the dashboard's files and the live provider test.
 */
package io.sluice.proxy.admin;
