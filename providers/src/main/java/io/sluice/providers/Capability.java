package io.sluice.providers;

/** What a provider's API can do, as listed in README and checked before routing a request to it. */
public enum Capability {
    STREAMING, TOOLS, VISION, EMBEDDINGS, IMAGES
}
