package io.sluice.proxy.testing;

import io.sluice.proxy.SluiceServer;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A deliberately dumb HTTP/1.1 client on a plain socket, for what {@code java.net.http} hides: exact framing,
 * pipelining, chunk-by-chunk reads, a small receive buffer, not reading at all, closing mid-response. The one
 * raw-socket client of the tests; {@link Http} is the one {@code java.net.http} client.
 */
public final class RawHttp implements AutoCloseable {

    /** Read timeout of every connection: a test never waits longer for the next byte. */
    public static final int READ_TIMEOUT_MILLIS = 10_000;

    /** A response head: its status line and its headers, by lower-case name. */
    public record Head(String statusLine, Map<String, String> headers) {
        /** The status code. */
        public int status() {
            return Integer.parseInt(statusLine.split(" ", 3)[1]);
        }

        /** The header's value, by case-insensitive name; null when absent. */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        /** True when the body is framed by chunked transfer encoding. */
        public boolean chunked() {
            String te = header("transfer-encoding");
            return te != null && te.toLowerCase(Locale.ROOT).contains("chunked");
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

    /** A connection to {@code s} on 127.0.0.1 (also when it listens on every address). */
    public static RawHttp connect(SluiceServer s) throws IOException {
        return connect(s, 0);
    }

    /** {@link #connect(SluiceServer)} with SO_RCVBUF fixed first (if > 0): the window is small from the start. */
    public static RawHttp connect(SluiceServer s, int receiveBuffer) throws IOException {
        return connect(new InetSocketAddress("127.0.0.1", s.localAddress().getPort()), receiveBuffer);
    }

    /** A connection to 127.0.0.1:{@code port}. */
    public static RawHttp connect(int port) throws IOException {
        return connect(new InetSocketAddress("127.0.0.1", port), 0);
    }

    /** A connection to {@code address}; {@code receiveBuffer} > 0 fixes SO_RCVBUF before connecting. */
    public static RawHttp connect(InetSocketAddress address, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        try {
            if (receiveBuffer > 0) {
                s.setReceiveBufferSize(receiveBuffer);
            }
            s.setSoTimeout(READ_TIMEOUT_MILLIS);
            s.setTcpNoDelay(true);
            s.connect(address, 5_000);
            return new RawHttp(s);
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** True when something accepts a connection on 127.0.0.1:{@code port} within 500 ms. */
    public static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A loopback port nothing listens on (bound once, then released). */
    public static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    // ---- request text ----

    /**
     * The wire text of an HTTP/1.1 request head: request line, {@code Host: sluice}, the given header name/value
     * pairs in order, and the blank line.
     */
    public static String requestHead(String method, String path, String... headers) {
        if (headers.length % 2 != 0) {
            throw new IllegalArgumentException("headers come in name/value pairs: " + headers.length + " strings");
        }
        StringBuilder sb = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: sluice\r\n");
        for (int i = 0; i < headers.length; i += 2) {
            sb.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        return sb.append("\r\n").toString();
    }

    /** The wire text of a POST of {@code json} with its Content-Type and Content-Length, plus {@code headers}. */
    public static String jsonPost(String path, String json, String... headers) {
        String[] all = new String[headers.length + 4];
        all[0] = "Content-Type";
        all[1] = "application/json";
        all[2] = "Content-Length";
        all[3] = Integer.toString(json.getBytes(StandardCharsets.UTF_8).length);
        System.arraycopy(headers, 0, all, 4, headers.length);
        return requestHead("POST", path, all) + json;
    }

    // ---- writing ----

    /** Writes {@code text} (UTF-8) as it is and flushes. */
    public void write(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Writes a request without a body: {@link #requestHead}. */
    public RawHttp send(String method, String path, String... headers) throws IOException {
        write(requestHead(method, path, headers));
        return this;
    }

    /** Writes a POST with a Content-Length body: {@link #jsonPost}. */
    public RawHttp postJson(String path, String json, String... headers) throws IOException {
        write(jsonPost(path, json, headers));
        return this;
    }

    // ---- reading ----

    /** The next response head (a 100 Continue is one too). */
    public Head readHead() throws IOException {
        String statusLine = readLine();
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].matches("\\d{3}")) {
            throw new IOException("not an HTTP status line: " + statusLine);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        String line;
        while (!(line = readLine()).isEmpty()) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        return new Head(statusLine, Collections.unmodifiableMap(headers));
    }

    /** The next chunk of a chunked body, or null after the last (zero-size) chunk and its trailers. */
    public byte[] readChunk() throws IOException {
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
    public byte[] readBody(Head head) throws IOException {
        return readBody(head, null);
    }

    /** The next whole response, as {@link HttpWire} parses one: status, headers, body and (if chunked) its chunks. */
    public HttpWire.Message readResponse() throws IOException {
        Head head = readHead();
        List<String> chunks = new ArrayList<>();
        byte[] body = readBody(head, chunks);
        return new HttpWire.Message(head.statusLine(), head.headers(), body, List.copyOf(chunks), head.chunked(),
                true);
    }

    /** True when the server closed the connection (EOF or reset) rather than keeping it alive. */
    public boolean closedByPeer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketException e) {
            return true; // reset counts as closed
        }
    }

    private byte[] readBody(Head head, List<String> chunks) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (head.status() / 100 == 1 || head.status() == 204 || head.status() == 304) {
            return body.toByteArray(); // no body, whatever the headers say
        }
        if (head.chunked()) {
            byte[] c;
            while ((c = readChunk()) != null) {
                body.write(c);
                if (chunks != null) {
                    chunks.add(new String(c, StandardCharsets.UTF_8));
                }
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
