/**
 * One class per route family, each running admission, route, plan and exchange for its requests:
 * {@link io.sluice.proxy.service.Dispatcher} picks the handler from path and method once a head's admission steps
 * pass; {@link io.sluice.proxy.service.ChatService} serves every model request in every client dialect.
 */
package io.sluice.proxy.service;
