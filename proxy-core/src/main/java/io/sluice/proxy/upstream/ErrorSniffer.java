package io.sluice.proxy.upstream;

import io.netty.buffer.ByteBuf;

/**
 * Looks at the first bytes of a 2xx body for an error in disguise: providers (and proxies in front of them) answer
 * 200 with {@code {"error":…}} or Anthropic's {@code {"type":"error",…}}, open an event stream whose first event is
 * an error, or send an HTML page or other non-JSON where JSON was due (issue 20). Reads without consuming.
 */
final class ErrorSniffer {

    /** Only this many bytes are looked at. */
    static final int WINDOW = 256;

    private ErrorSniffer() {
    }

    static boolean looksLikeError(ByteBuf buf, boolean sse) {
        int i = buf.readerIndex();
        int end = Math.min(buf.writerIndex(), i + WINDOW);
        i = skipSpace(buf, i, end);
        if (sse) {
            if (startsWith(buf, i, end, "event:")) {
                int v = skipSpace(buf, i + 6, end);
                return startsWith(buf, v, end, "error");
            }
            if (!startsWith(buf, i, end, "data:")) {
                return false;
            }
            i = skipSpace(buf, i + 5, end);
        }
        if (!startsWith(buf, i, end, "{")) {
            // A JSON answer starts with an object (or an array); anything else (HTML, text) is not one.
            return !sse && i < end && buf.getByte(i) != '[';
        }
        i = skipSpace(buf, i + 1, end);
        if (startsWith(buf, i, end, "\"error\"")) {
            return true;
        }
        if (!startsWith(buf, i, end, "\"type\"")) {
            return false;
        }
        i = skipSpace(buf, i + 6, end);
        if (!startsWith(buf, i, end, ":")) {
            return false;
        }
        return startsWith(buf, skipSpace(buf, i + 1, end), end, "\"error\"");
    }

    private static int skipSpace(ByteBuf b, int i, int end) {
        while (i < end) {
            byte c = b.getByte(i);
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                break;
            }
            i++;
        }
        return i;
    }

    private static boolean startsWith(ByteBuf b, int i, int end, String s) {
        if (end - i < s.length()) {
            return false;
        }
        for (int k = 0; k < s.length(); k++) {
            if (b.getByte(i + k) != s.charAt(k)) {
                return false;
            }
        }
        return true;
    }
}
