package io.sluice.proxy.upstream;

import java.net.http.HttpClient;
import java.time.Duration;

/**
 * The JDK HTTP client Sluice uses for its own occasional calls to providers (Copilot token exchange, model lists):
 * one per process, HTTP/1.1, its own selector thread, never an event loop's. Relayed traffic never goes through it.
 */
public final class JdkHttp {

    private static volatile HttpClient client;

    private JdkHttp() {
    }

    public static HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            synchronized (JdkHttp.class) {
                c = client;
                if (c == null) {
                    c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                            .connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER)
                            .build();
                    client = c;
                }
            }
        }
        return c;
    }
}
