package io.sluice.proxy.dedup;

import io.netty.buffer.ByteBuf;
import io.sluice.codec.json.CanonicalJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;

/**
 * The canonical signature of a model request: SHA-256 over who asks (the client key's name, or anonymous), where
 * (route, path: the Gemini model and method, a forced provider), what is called (provider and upstream model as
 * routed, the model as asked), whether it streams, the Anthropic version and beta headers, what the global system
 * prompt and thinking budget do to it, and the body as
 * {@link CanonicalJson} reads it: member order, whitespace, escapes and number spelling do not count; the top-level
 * fields {@code dedup.ignoreFields} names and {@code stream} (taken from the request as the route reads it, so
 * {@code "stream":false} and no {@code stream} are one request) are left out. Keeps 128 of the 256 bits; never the
 * body.
 */
final class Signer {

    /** Bumped when what goes into a signature changes. */
    private static final byte VERSION = 1;

    private Signer() {
    }

    /**
     * @param parts the request's identity, each part length-prefixed so that none can run into the next
     * @throws IOException when the body is not one JSON document or is over the work budget
     */
    static Signature sign(ByteBuf body, Set<String> skip, String... parts) throws IOException {
        MessageDigest d = CanonicalJson.sha256();
        d.update(VERSION);
        for (String p : parts) {
            if (p == null) {
                d.update((byte) 0);
                continue;
            }
            byte[] b = p.getBytes(StandardCharsets.UTF_8);
            d.update((byte) 1);
            d.update(ByteBuffer.allocate(4).putInt(b.length).array());
            d.update(b);
        }
        CanonicalJson.digest(body, skip, d);
        ByteBuffer h = ByteBuffer.wrap(d.digest());
        return new Signature(h.getLong(), h.getLong());
    }
}
