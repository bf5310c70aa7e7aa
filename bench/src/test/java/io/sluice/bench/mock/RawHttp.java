package io.sluice.bench.mock;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal HTTP/1.1 client over a plain socket, for what {@code java.net.http} hides: pipelining, truncated bodies,
 * connection close.
 */
final class RawHttp implements AutoCloseable {

    /** One response as read; {@code complete} is false when the connection ended inside the body. */
    record Response(int status, Map<String, String> headers, String body, boolean complete) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final Reader reader;

    RawHttp(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
        socket.setSoTimeout(5_000);
        in = new java.io.BufferedInputStream(socket.getInputStream());
        reader = new Reader(in);
    }

    static String post(String path, String body, String... headers) {
        StringBuilder sb = new StringBuilder("POST ").append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                .append("Content-Type: application/json\r\n");
        for (String h : headers) {
            sb.append(h).append("\r\n");
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return sb.append("Content-Length: ").append(bytes.length).append("\r\n\r\n").append(body).toString();
    }

    static String get(String path, String... headers) {
        StringBuilder sb = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (String h : headers) {
            sb.append(h).append("\r\n");
        }
        return sb.append("\r\n").toString();
    }

    RawHttp send(String... requests) throws IOException {
        for (String r : requests) {
            socket.getOutputStream().write(r.getBytes(StandardCharsets.UTF_8));
        }
        socket.getOutputStream().flush();
        return this;
    }

    /** Reads the next response; {@code null} when the connection closed before a status line. */
    Response read() throws IOException {
        return reader.read();
    }

    /** Whether the server closed the connection: the next read sees end of stream. */
    boolean closedByPeer() throws IOException {
        return in.read() < 0;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** Parses responses one after another from a byte stream. */
    static final class Reader implements AutoCloseable {
        private final InputStream in;

        Reader(InputStream in) {
            this.in = in;
        }

        /** Reads the next response; {@code null} when the connection closed before a status line. */
        Response read() throws IOException {
            String status = line();
            if (status == null) {
                return null;
            }
            Map<String, String> headers = new LinkedHashMap<>();
            for (String l = line(); l != null && !l.isEmpty(); l = line()) {
                int colon = l.indexOf(':');
                headers.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
            }
            int code = Integer.parseInt(status.split(" ")[1]);
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            boolean complete = true;
            if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                while (true) {
                    String size = line();
                    if (size == null) {
                        complete = false;
                        break;
                    }
                    int n = Integer.parseInt(size.trim(), 16);
                    if (n == 0) {
                        line(); // the CRLF after the last chunk (no trailers from the mock)
                        break;
                    }
                    if (!readFully(body, n) || line() == null) {
                        complete = false;
                        break;
                    }
                }
            } else if (headers.containsKey("content-length")) {
                complete = readFully(body, Integer.parseInt(headers.get("content-length")));
            } else {
                in.transferTo(body);
            }
            return new Response(code, headers, body.toString(StandardCharsets.UTF_8), complete);
        }

        private boolean readFully(ByteArrayOutputStream out, int n) throws IOException {
            byte[] buf = new byte[Math.min(n, 8192)];
            while (n > 0) {
                int r = in.read(buf, 0, Math.min(n, buf.length));
                if (r < 0) {
                    return false;
                }
                out.write(buf, 0, r);
                n -= r;
            }
            return true;
        }

        /** One CRLF-terminated line without its CRLF; {@code null} at end of stream. */
        private String line() throws IOException {
            ByteArrayOutputStream sb = new ByteArrayOutputStream(64);
            int b;
            while ((b = in.read()) >= 0) {
                if (b == '\n') {
                    byte[] bytes = sb.toByteArray();
                    int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                    return new String(bytes, 0, len, StandardCharsets.UTF_8);
                }
                sb.write(b);
            }
            return null;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** Server-sent events split from a body; CRLF or LF line breaks. */
    record Event(String event, String data) {
    }

    static List<Event> events(String body) {
        List<Event> out = new ArrayList<>();
        for (String block : body.replace("\r\n", "\n").split("\n\n")) {
            if (block.isBlank()) {
                continue;
            }
            String event = null;
            StringBuilder data = new StringBuilder();
            for (String l : block.split("\n")) {
                if (l.startsWith("event: ")) {
                    event = l.substring(7);
                } else if (l.startsWith("data: ")) {
                    data.append(data.length() == 0 ? "" : "\n").append(l.substring(6));
                }
            }
            out.add(new Event(event, data.toString()));
        }
        return out;
    }
}
