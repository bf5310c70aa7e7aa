package io.sluice.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Encodes each request of a run once, head and body together, into a read-only direct buffer. Every send writes a
 * {@code retainedDuplicate()}: no encoding, copying or allocation beyond the duplicate per request.
 */
final class RequestTemplates {

    static final String USER_AGENT = "sluice-bench";

    private RequestTemplates() {
    }

    /** One buffer per body of {@code spec}; the caller owns them and releases each once. */
    static ByteBuf[] encode(LoadSpec spec) {
        ByteBuf[] out = new ByteBuf[spec.bodies().size()];
        for (int i = 0; i < out.length; i++) {
            byte[] bytes = bytes(spec, spec.bodies().get(i));
            out[i] = Unpooled.directBuffer(bytes.length).writeBytes(bytes).asReadOnly();
        }
        return out;
    }

    /** The request as it goes on the wire. */
    static byte[] bytes(LoadSpec spec, byte[] body) {
        StringBuilder head = new StringBuilder(256)
                .append(spec.method()).append(' ').append(spec.requestPath()).append(" HTTP/1.1\r\n");
        boolean host = false;
        boolean userAgent = false;
        for (LoadSpec.Header h : spec.headers()) {
            host |= h.name().equalsIgnoreCase("host");
            userAgent |= h.name().equalsIgnoreCase("user-agent");
        }
        if (!host) {
            String name = spec.target().getHost(); // keeps IPv6 brackets, as Host requires
            head.append("Host: ").append(name);
            if (spec.target().getPort() >= 0) {
                head.append(':').append(spec.target().getPort());
            }
            head.append("\r\n");
        }
        if (!userAgent) {
            head.append("User-Agent: ").append(USER_AGENT).append("\r\n");
        }
        for (LoadSpec.Header h : spec.headers()) {
            head.append(h.name()).append(": ").append(h.value()).append("\r\n");
        }
        if (body.length > 0 || !spec.method().equals("GET")) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        if (!spec.keepAlive()) {
            head.append("Connection: close\r\n");
        }
        head.append("\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream(head.length() + body.length);
        out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
        out.writeBytes(body);
        return out.toByteArray();
    }
}
