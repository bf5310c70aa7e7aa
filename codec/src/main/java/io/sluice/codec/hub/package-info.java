/**
 * The hub every dialect translates through (DESIGN.md §1, §3): an OpenAI-shaped request model ({@link
 * io.sluice.codec.hub.ChatRequest}) and a typed stream of response events ({@link io.sluice.codec.hub.HubListener}).
 * N dialects need N readers/writers and N stream decoders/encoders, never N² pairs.
 *
 * <p>Nothing here touches bytes: dialects in {@code io.sluice.codec.dialect} turn wire formats into these types and
 * back.
 */
package io.sluice.codec.hub;
