/**
 * JSON that Sluice composes itself, written with jackson's generator, and client input made safe to echo.
 */
package io.sluice.proxy.json;
