package io.sluice.proxy.e2e;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A deliberately dumb HTTP/1.1 client on a plain socket, for what {@code java.net.http} hides: exact framing,
 * chunk-by-chunk reads, a small receive buffer, not reading at all, closing mid-response.
 */
final class RawHttp implements AutoCloseable {

    /** A response head. */
    record Head(int status, Map<String, String> headers) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        boolean chunked() {
            String te = header("transfer-encoding");
            return te != null && te.toLowerCase(Locale.ROOT).contains("chunked");
        }
    }

    /** A whole response. */
    record Response(Head head, byte[] body) {
        int status() {
            return head.status();
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 4096);
        this.out = socket.getOutputStream();
    }

    static RawHttp connect(InetSocketAddress address) throws IOException {
        return connect(address, 0);
    }

    /** {@code receiveBuffer} > 0 fixes SO_RCVBUF before connecting: the window is small from the start. */
    static RawHttp connect(InetSocketAddress address, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer);
        }
        s.setSoTimeout(10_000);
        s.setTcpNoDelay(true);
        s.connect(address, 5_000);
        return new RawHttp(s);
    }

    static String chatRequestHead(int contentLength) {
        return "POST /v1/chat/completions HTTP/1.1\r\nHost: sluice\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + contentLength + "\r\n\r\n";
    }

    /** Writes a POST with a Content-Length body. */
    RawHttp postJson(String path, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        String head = "POST " + path + " HTTP/1.1\r\nHost: sluice\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        return this;
    }

    void write(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    Head readHead() throws IOException {
        String statusLine = readLine();
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP status line: " + statusLine);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        String line;
        while (!(line = readLine()).isEmpty()) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        return new Head(Integer.parseInt(parts[1]), headers);
    }

    /** The next chunk of a chunked body, or null after the last (zero-size) chunk and its trailers. */
    byte[] readChunk() throws IOException {
        String sizeLine = readLine();
        int semi = sizeLine.indexOf(';');
        int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
        if (size == 0) {
            while (!readLine().isEmpty()) {
                // trailers
            }
            return null;
        }
        byte[] data = in.readNBytes(size);
        if (data.length < size) {
            throw new EOFException("chunk cut after " + data.length + " of " + size + " bytes");
        }
        if (!readLine().isEmpty()) {
            throw new IOException("chunk not followed by CRLF");
        }
        return data;
    }

    /** The body that follows {@code head}: Content-Length, chunked, or up to the close. */
    byte[] readBody(Head head) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (head.chunked()) {
            byte[] c;
            while ((c = readChunk()) != null) {
                body.write(c);
            }
        } else if (head.header("content-length") != null) {
            int n = Integer.parseInt(head.header("content-length"));
            byte[] b = in.readNBytes(n);
            if (b.length < n) {
                throw new EOFException("body cut after " + b.length + " of " + n + " bytes");
            }
            body.write(b);
        } else {
            body.write(in.readAllBytes());
        }
        return body.toByteArray();
    }

    Response readResponse() throws IOException {
        Head head = readHead();
        return new Response(head, readBody(head));
    }

    /** True when the server closed the connection (EOF) rather than keeping it alive. */
    boolean closedByPeer() throws IOException {
        try {
            return in.read() < 0;
        } catch (java.net.SocketException e) {
            return true; // reset counts as closed
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        throw new EOFException("connection closed mid-line after: " + line);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
