/**
 * The command line ({@code sluice serve | check-config | models}), with picocli.
 */
package io.sluice.proxy.cli;
