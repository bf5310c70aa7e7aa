package io.sluice.proxy.e2e;

import static io.sluice.proxy.testing.HttpWire.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.config.ConfigLoader;
import io.sluice.proxy.testing.Http;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, runtime settings: {@code GET/PUT/DELETE /api/settings/<name>}, checked, in force for the next request,
 * kept in the data directory across a restart; here with the IP filter ({@code /api/settings/ip-filter}, the seed's
 * endpoint), judged through a trusted proxy's {@code X-Forwarded-For} so that the test's own loopback stays allowed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SettingsE2eTest {

    private static final String ADMIN = "admin-settings-secret-01";

    @TempDir
    Path dir;
    private SluiceServer sluice;

    private SluiceServer start() throws InterruptedException {
        return SluiceServer.start(ConfigLoader.parse("server: {host: 127.0.0.1, port: 0, ioThreads: 1,"
                + " shutdownGrace: 100ms, adminKey: " + ADMIN + "}\n"
                + "dataDir: \"" + dir + "\"\n"
                + "access: {trustedProxies: [127.0.0.1], ipDeny: [198.51.100.0/24]}\n"
                + "providers: {mock: {}}\n", Map.of()));
    }

    @BeforeEach
    void up() throws InterruptedException {
        sluice = start();
    }

    @AfterEach
    void down() {
        sluice.close();
    }

    private HttpResponse<String> models(String from) throws Exception {
        return Http.get(sluice, "/v1/models", "x-forwarded-for", from);
    }

    private HttpResponse<String> settings(String method, String path, String body) throws Exception {
        return Http.send(sluice, method, "/api/settings" + path, body, "x-admin-key", ADMIN,
                "content-type", "application/json");
    }

    @Test
    void theIpFilterChangesForTheNextRequestAndSurvivesARestart() throws Exception {
        assertThat(models("203.0.113.9").statusCode()).isEqualTo(200);
        assertThat(models("198.51.100.7").statusCode()).isEqualTo(403);

        JsonNode list = json(settings("GET", "", null).body());
        assertThat(list.at("/settings/ip-filter/value/ipDeny/0").asText()).isEqualTo("198.51.100.0/24");
        assertThat(list.at("/settings/ip-filter/changed").asBoolean()).isFalse();

        HttpResponse<String> put = settings("PUT", "/ip-filter", "{\"blocklist\":[\"203.0.113.0/24\"],"
                + "\"trustedProxies\":[\"127.0.0.1\"]}");
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertThat(json(put.body()).at("/value/ipDeny/0").asText()).isEqualTo("203.0.113.0/24");
        assertThat(json(put.body()).path("changed").asBoolean()).isTrue();
        assertThat(models("203.0.113.9").statusCode()).isEqualTo(403);
        assertThat(models("198.51.100.7").statusCode()).isEqualTo(200);
        assertThat(json(Http.get(sluice, "/api/access", "x-admin-key", ADMIN).body()).at("/ipDeny/0").asText())
                .isEqualTo("203.0.113.0/24");

        Path kept = dir.resolve("settings").resolve("ip-filter.json");
        assertThat(Files.readString(kept, StandardCharsets.UTF_8)).contains("203.0.113.0/24");
        assertThat(Files.getPosixFilePermissions(kept)).isEqualTo(PosixFilePermissions.fromString("rw-------"));

        sluice.close();
        sluice = start(); // the kept value wins over the file's
        assertThat(models("203.0.113.9").statusCode()).isEqualTo(403);
        assertThat(models("198.51.100.7").statusCode()).isEqualTo(200);

        HttpResponse<String> reset = settings("DELETE", "/ip-filter", null);
        assertThat(reset.statusCode()).as(reset.body()).isEqualTo(200);
        assertThat(Files.exists(kept)).isFalse();
        assertThat(models("198.51.100.7").statusCode()).isEqualTo(403);
        assertThat(models("203.0.113.9").statusCode()).isEqualTo(200);

        HttpResponse<String> off = settings("PUT", "/ip-filter", "{\"enabled\":false,\"ipDeny\":[\"0.0.0.0/0\"],"
                + "\"trustedProxies\":[\"127.0.0.1\"]}");
        assertThat(off.statusCode()).as(off.body()).isEqualTo(200);
        assertThat(models("198.51.100.7").statusCode()).isEqualTo(200);
    }

    @Test
    void badSettingsAreRefusedNamingTheFieldAndChangeNothing() throws Exception {
        assertRefused(settings("PUT", "/ip-filter", "{\"ipDeny\":[\"10.0.0.0/33\"]}"), 400,
                "ipDeny[0]: \\\"10.0.0.0/33\\\"");
        assertRefused(settings("PUT", "/ip-filter", "{\"ipDeny\":\"10.0.0.1\"}"), 400, "ipDeny:");
        assertRefused(settings("PUT", "/ip-filter", "{\"colour\":1}"), 400, "unknown field");
        assertRefused(settings("PUT", "/ip-filter", "[]"), 400, "body: not a JSON object");
        assertRefused(settings("PUT", "/ip-filter", "{"), 400, "body: not valid JSON");
        assertRefused(settings("PUT", "/nope", "{}"), 404, "no setting named nope");
        assertRefused(settings("POST", "/ip-filter/frobnicate", "{}"), 404, "no settings action");
        assertRefused(settings("PATCH", "/ip-filter", "{}"), 405, "use GET, PUT or DELETE");
        assertThat(models("198.51.100.7").statusCode()).isEqualTo(403);
        assertThat(Files.exists(dir.resolve("settings").resolve("ip-filter.json"))).isFalse();
        // Guarded like the rest of /api.
        assertThat(Http.send(sluice, "PUT", "/api/settings/ip-filter", "{\"enabled\":false}").statusCode())
                .isEqualTo(401);
        assertThat(models("198.51.100.7").statusCode()).isEqualTo(403);
    }

    @Test
    void aBadKeptFileStopsStartNamingIt() throws Exception {
        sluice.close();
        Path kept = dir.resolve("settings").resolve("ip-filter.json");
        Files.createDirectories(kept.getParent());
        Files.writeString(kept, "{\"ipDeny\":[\"not-an-address\"]}", StandardCharsets.UTF_8);
        try {
            sluice = start();
            throw new AssertionError("started with a bad settings file");
        } catch (RuntimeException e) {
            assertThat(e.getMessage()).contains(kept.toString()).contains("ipDeny[0]").contains("fix or delete");
            Files.delete(kept);
            sluice = start();
        }
    }

    private static void assertRefused(HttpResponse<String> res, int status, String message) throws Exception {
        assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
        assertThat(json(res.body()).path("success").asBoolean()).isFalse();
        assertThat(res.body()).contains(message);
    }
}
