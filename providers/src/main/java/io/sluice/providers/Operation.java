package io.sluice.providers;

/** The kinds of request Sluice routes to providers. */
public enum Operation {
    CHAT(null),
    EMBEDDINGS(Capability.EMBEDDINGS),
    IMAGES(Capability.IMAGES);

    private final Capability needs;

    Operation(Capability needs) {
        this.needs = needs;
    }

    /** The capability a provider needs for this operation, or null for chat (every provider chats). */
    public Capability needs() {
        return needs;
    }
}
