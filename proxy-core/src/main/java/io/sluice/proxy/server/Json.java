package io.sluice.proxy.server;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/** Tiny JSON writing helpers for the few bodies Sluice composes itself. */
public final class Json {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Json() {
    }

    /** A complete {@code application/json} response carrying {@code body} (ownership moves to the response). */
    public static FullHttpResponse response(HttpResponseStatus status, ByteBuf body) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        return res;
    }

    /** Appends {@code s} as a JSON string literal, escaping quotes, backslashes and control characters. */
    public static StringBuilder quote(StringBuilder sb, CharSequence s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                default:
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        sb.append("\\u00").append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
                        if (c > 0xFF) {
                            sb.setLength(sb.length() - 6);
                            sb.append("\\u").append(HEX[(c >> 12) & 0xF]).append(HEX[(c >> 8) & 0xF])
                                    .append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
                        }
                    } else {
                        sb.append(c);
                    }
            }
        }
        return sb.append('"');
    }

    /** {@code s} as it may appear in an error message: control characters as {@code ?}, cut at 128 characters. */
    public static String printable(String s) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), 128));
        for (int i = 0; i < s.length() && sb.length() < 128; i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        if (s.length() > 128) {
            sb.append("...");
        }
        return sb.toString();
    }
}
