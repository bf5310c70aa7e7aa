package io.sluice.proxy.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ByteProcessor;
import io.netty.util.internal.AppendableCharSequence;
import java.util.List;

/**
 * HTTP/1.1 response decoder for upstream connections that hands body bytes on as bare retained slices: Netty's
 * {@code HttpObjectDecoder} wraps every body read in a new {@code DefaultHttpContent}, the last allocation left on the
 * passthrough path (issue 3: zero allocation per relayed chunk). Emits, per response: one {@link HttpResponse} head,
 * zero or more {@link ByteBuf} body slices (owned by the receiver), then {@link #LAST}.
 *
 * <p>Framing per RFC 9112 §6.3: 1xx, 204 and 304 have no body (a 1xx head is followed by {@link #LAST} and the final
 * head); {@code Transfer-Encoding} ending in {@code chunked} is chunked (extensions ignored, trailers skipped);
 * otherwise {@code Content-Length}; otherwise the body runs until the connection closes. Malformed input raises a
 * {@link DecoderException} (the upstream handler fails the exchange and closes the connection).
 *
 * <p>Header and line sizes are bounded; body slices are as large as what was read (never copied).
 */
public final class UpstreamResponseDecoder extends ByteToMessageDecoder {

    /** End of one response's body. Not reference counted in any meaningful way (Netty's shared empty last content). */
    public static final LastHttpContent LAST = LastHttpContent.EMPTY_LAST_CONTENT;

    private enum State { STATUS_LINE, HEADERS, FIXED, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, UNTIL_CLOSE, FAILED }

    private static final int MAX_LINE = 8192;
    private static final int MAX_CHUNK_SIZE_LINE = 1024;

    private final int maxHeaderBytes;
    private final String headersTooLarge;
    private State state = State.STATUS_LINE;
    private HttpResponse head;
    private int headerBytes;
    private long remaining;
    private final AppendableCharSequence line = new AppendableCharSequence(128);

    public UpstreamResponseDecoder(int maxHeaderBytes) {
        this.maxHeaderBytes = maxHeaderBytes;
        this.headersTooLarge = "response headers larger than " + maxHeaderBytes + " bytes";
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            switch (state) {
                case STATUS_LINE -> {
                    if (!readLine(in, MAX_LINE, "status line longer than " + MAX_LINE + " bytes")) {
                        return;
                    }
                    if (line.length() == 0) {
                        continue; // RFC 9112 §2.2: tolerate empty lines before the status line
                    }
                    head = parseStatus(line);
                    headerBytes = 0;
                    state = State.HEADERS;
                }
                case HEADERS -> {
                    if (!readLine(in, maxHeaderBytes - headerBytes + 2, headersTooLarge)) {
                        return;
                    }
                    headerBytes += line.length() + 2;
                    if (headerBytes > maxHeaderBytes) {
                        throw fail(headersTooLarge);
                    }
                    if (line.length() > 0) {
                        addHeader(head.headers(), line);
                        continue;
                    }
                    out.add(head);
                    startBody(out);
                }
                case FIXED -> {
                    int n = (int) Math.min(remaining, in.readableBytes());
                    out.add(in.readRetainedSlice(n));
                    remaining -= n;
                    if (remaining == 0) {
                        endBody(out);
                    }
                }
                case CHUNK_SIZE -> {
                    if (!readLine(in, MAX_CHUNK_SIZE_LINE,
                            "chunk size line longer than " + MAX_CHUNK_SIZE_LINE + " bytes")) {
                        return;
                    }
                    remaining = chunkSize(line);
                    state = remaining == 0 ? State.TRAILERS : State.CHUNK_DATA;
                }
                case CHUNK_DATA -> {
                    int n = (int) Math.min(remaining, in.readableBytes());
                    out.add(in.readRetainedSlice(n));
                    remaining -= n;
                    if (remaining == 0) {
                        state = State.CHUNK_END;
                    }
                }
                case CHUNK_END -> {
                    if (!readLine(in, 2, "chunk data longer than its size")) {
                        return;
                    }
                    if (line.length() != 0) {
                        throw fail("chunk data longer than its size");
                    }
                    state = State.CHUNK_SIZE;
                }
                case TRAILERS -> {
                    if (!readLine(in, maxHeaderBytes, headersTooLarge)) {
                        return;
                    }
                    if (line.length() == 0) {
                        endBody(out);
                    }
                }
                case UNTIL_CLOSE -> out.add(in.readRetainedSlice(in.readableBytes()));
                default -> {
                    in.skipBytes(in.readableBytes());
                    return;
                }
            }
        }
    }

    private void startBody(List<Object> out) {
        int code = head.status().code();
        HttpHeaders h = head.headers();
        if (code < 200 || code == 204 || code == 304) {
            endBody(out);
            return;
        }
        String te = h.get(HttpHeaderNames.TRANSFER_ENCODING);
        if (te != null) {
            if (!lastCodingIsChunked(te)) {
                // RFC 9112 §6.3 rule 4: a response whose final coding is not chunked ends at close.
                state = State.UNTIL_CLOSE;
                return;
            }
            h.remove(HttpHeaderNames.CONTENT_LENGTH); // §6.3 rule 3: Transfer-Encoding overrides it
            state = State.CHUNK_SIZE;
            return;
        }
        List<String> lengths = h.getAll(HttpHeaderNames.CONTENT_LENGTH);
        if (lengths.isEmpty()) {
            state = State.UNTIL_CLOSE;
            return;
        }
        long length = -1;
        for (String v : lengths) {
            for (String part : v.split(",")) {
                long l = parseLength(part.strip());
                if (length >= 0 && l != length) {
                    throw fail("conflicting Content-Length values");
                }
                length = l;
            }
        }
        remaining = length;
        if (remaining == 0) {
            endBody(out);
        } else {
            state = State.FIXED;
        }
    }

    private void endBody(List<Object> out) {
        out.add(LAST);
        head = null;
        state = State.STATUS_LINE;
    }

    /** The connection closed: a close-delimited body ends here; anything else ending here was cut. */
    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        decode(ctx, in, out);
        if (state == State.UNTIL_CLOSE) {
            endBody(out);
        }
        // Other states: the upstream handler reports the close as a truncated response.
    }

    /**
     * Reads one CRLF- (or bare LF-) terminated line into {@link #line}; false when more input is needed.
     *
     * @param tooLong the failure message when the line exceeds {@code max} (a constant string: no work per call)
     */
    private boolean readLine(ByteBuf in, int max, String tooLong) {
        int start = in.readerIndex();
        int lf = in.forEachByte(start, in.readableBytes(), ByteProcessor.FIND_LF);
        if (lf < 0) {
            if (in.readableBytes() > max) {
                throw fail(tooLong);
            }
            return false;
        }
        int end = lf > start && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
        if (end - start > max) {
            throw fail(tooLong);
        }
        line.reset();
        for (int i = start; i < end; i++) {
            line.append((char) (in.getByte(i) & 0xFF));
        }
        in.readerIndex(lf + 1);
        return true;
    }

    private HttpResponse parseStatus(CharSequence s) {
        String text = s.toString();
        int sp1 = text.indexOf(' ');
        if (sp1 < 0 || !text.startsWith("HTTP/1.")) {
            throw fail("not an HTTP/1.x status line");
        }
        int sp2 = text.indexOf(' ', sp1 + 1);
        String codeText = sp2 < 0 ? text.substring(sp1 + 1) : text.substring(sp1 + 1, sp2);
        int code;
        try {
            code = Integer.parseInt(codeText);
        } catch (NumberFormatException e) {
            throw fail("status code is not a number");
        }
        if (code < 100 || code > 999) {
            throw fail("status code out of range");
        }
        HttpVersion version = text.startsWith("HTTP/1.0") ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1;
        HttpResponseStatus status = sp2 < 0 ? HttpResponseStatus.valueOf(code)
                : HttpResponseStatus.valueOf(code, text.substring(sp2 + 1));
        return new DefaultHttpResponse(version, status, DefaultHttpHeadersFactory.headersFactory());
    }

    private void addHeader(HttpHeaders h, CharSequence s) {
        String text = s.toString();
        if (text.charAt(0) == ' ' || text.charAt(0) == '\t') {
            throw fail("obsolete header line folding"); // RFC 9112 §5.2: a recipient may reject it
        }
        int colon = text.indexOf(':');
        if (colon <= 0) {
            throw fail("header line without a colon");
        }
        String name = text.substring(0, colon);
        if (name.charAt(name.length() - 1) == ' ' || name.charAt(name.length() - 1) == '\t') {
            throw fail("whitespace before a header colon"); // RFC 9112 §5.1: must be rejected
        }
        h.add(name, text.substring(colon + 1).strip());
    }

    private static boolean lastCodingIsChunked(String te) {
        int comma = te.lastIndexOf(',');
        return te.substring(comma + 1).strip().equalsIgnoreCase("chunked");
    }

    /** Parsed in place: this runs once per upstream chunk and must not allocate. */
    private long chunkSize(CharSequence s) {
        long size = 0;
        int end = 0;
        int d;
        while (end < s.length() && (d = Character.digit(s.charAt(end), 16)) >= 0) {
            size = (size << 4) | d;
            end++;
        }
        if (end == 0 || end > 15) {
            throw fail("invalid chunk size");
        }
        for (int i = end; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ';') {
                break; // chunk extensions: ignored
            }
            if (c != ' ' && c != '\t') {
                throw fail("invalid chunk size");
            }
        }
        return size;
    }

    private long parseLength(String v) {
        if (v.isEmpty() || v.length() > 18) {
            throw fail("invalid Content-Length");
        }
        for (int i = 0; i < v.length(); i++) {
            if (v.charAt(i) < '0' || v.charAt(i) > '9') {
                throw fail("invalid Content-Length");
            }
        }
        return Long.parseLong(v);
    }

    private DecoderException fail(String message) {
        state = State.FAILED;
        return new DecoderException("upstream response: " + message);
    }
}
