/**
 * The one choice of Netty transport per process: epoll where available, NIO otherwise.
 */
package io.sluice.proxy.transport;
