package io.sluice.proxy.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.sluice.proxy.config.ConfigException;
import io.sluice.proxy.config.Setting;
import io.sluice.proxy.config.SettingsStore;
import io.sluice.proxy.json.Text;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code /api/settings}: the runtime settings ({@link SettingsStore}). {@code GET /api/settings} lists them;
 * {@code GET /api/settings/<name>} shows one (secrets masked); {@code PUT} (or {@code POST}) with its JSON checks it,
 * puts it in force for the next request and keeps it in the data directory; {@code DELETE} goes back to the YAML
 * value. {@code POST /api/settings/<name>/<action>} runs an action a service registered (e.g. {@code proxy/test}).
 * Changes run on {@link AdminEdits}' thread: they write a file.
 */
final class SettingsEndpoints {

    static final String BASE = "/api/settings";
    private static final InternalLogger LOG = InternalLoggerFactory.getInstance(SettingsEndpoints.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SettingsStore store;
    private final Map<String, MonitoringApi.SettingAction> actions = new ConcurrentHashMap<>();
    /** Shares changes with the other instances; null in the embedded state. */
    private volatile SharedEdits shared;

    SettingsEndpoints(SettingsStore store) {
        this.store = store;
    }

    void share(SharedEdits edits) {
        this.shared = edits;
    }

    void action(String setting, String name, MonitoringApi.SettingAction action) {
        actions.put(setting + "/" + name, action);
    }

    /** Whether {@code method path} is a settings call that carries a body. */
    static boolean readsBody(HttpMethod method, String path) {
        return path.startsWith(BASE + "/") && (method.equals(HttpMethod.PUT) || method.equals(HttpMethod.POST));
    }

    CompletableFuture<MonitoringApi.Answer> handle(HttpMethod method, String path, String body, EventLoop loop) {
        if (path.equals(BASE)) {
            if (!method.equals(HttpMethod.GET)) {
                return now(MonitoringApi.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "use GET"));
            }
            ObjectNode out = JSON.createObjectNode().put("success", true);
            ObjectNode all = out.putObject("settings");
            for (Setting<?> s : store.all()) {
                all.set(s.name(), describe(s));
            }
            return now(ok(out));
        }
        String rest = path.substring(BASE.length() + 1);
        int slash = rest.indexOf('/');
        if (slash > 0) {
            MonitoringApi.SettingAction a = actions.get(rest);
            if (a == null) {
                return now(MonitoringApi.error(HttpResponseStatus.NOT_FOUND, "no settings action "
                        + Text.printable(rest)));
            }
            if (!method.equals(HttpMethod.POST)) {
                return now(MonitoringApi.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "use POST"));
            }
            return a.run(body, loop);
        }
        Setting<?> s = store.get(rest);
        if (s == null) {
            return now(MonitoringApi.error(HttpResponseStatus.NOT_FOUND, "no setting named " + Text.printable(rest)
                    + " (settings: " + String.join(", ", store.all().stream().map(Setting::name).toList()) + ")"));
        }
        if (method.equals(HttpMethod.GET)) {
            return now(ok(describe(s).put("success", true).put("name", s.name())));
        }
        if (method.equals(HttpMethod.PUT) || method.equals(HttpMethod.POST)) {
            return CompletableFuture.supplyAsync(() -> change(s, body), AdminEdits.executor());
        }
        if (method.equals(HttpMethod.DELETE)) {
            return CompletableFuture.supplyAsync(() -> reset(s), AdminEdits.executor());
        }
        return now(MonitoringApi.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "use GET, PUT or DELETE"));
    }

    private <T> MonitoringApi.Answer change(Setting<T> s, String body) {
        T next;
        try {
            next = s.parse(body);
        } catch (ConfigException e) {
            return MonitoringApi.error(HttpResponseStatus.BAD_REQUEST, e.getMessage());
        }
        try {
            s.set(next);
        } catch (IOException e) {
            return MonitoringApi.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "cannot keep setting " + s.name()
                    + " in " + s.file() + ": " + e.getMessage() + " (nothing changed)");
        }
        LOG.info("setting {} changed by the operator: {}", s.name(), s.show());
        return ok(shared(describe(s).put("success", true).put("name", s.name()), s, false));
    }

    private MonitoringApi.Answer reset(Setting<?> s) {
        try {
            s.reset();
        } catch (IOException e) {
            return MonitoringApi.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "cannot remove " + s.file() + ": "
                    + e.getMessage());
        }
        LOG.info("setting {} reset by the operator to the config file's value", s.name());
        return ok(shared(describe(s).put("success", true).put("name", s.name()), s, true));
    }

    /** Shares the change when there are other instances; says whether it was. */
    private ObjectNode shared(ObjectNode answer, Setting<?> s, boolean reset) {
        SharedEdits edits = shared;
        if (edits != null) {
            String why = edits.setting(s, reset);
            answer.put("shared", why == null);
            if (why != null) {
                answer.put("note", why);
            }
        }
        return answer;
    }

    private static ObjectNode describe(Setting<?> s) {
        ObjectNode n = JSON.createObjectNode();
        n.set("value", s.show());
        n.put("changed", s.changed()).put("persisted", s.file() != null)
                .put("file", s.file() == null ? null : s.file().toString());
        return n;
    }

    private static MonitoringApi.Answer ok(ObjectNode body) {
        return new MonitoringApi.Answer(HttpResponseStatus.OK, body.toString());
    }

    private static CompletableFuture<MonitoringApi.Answer> now(MonitoringApi.Answer a) {
        return CompletableFuture.completedFuture(a);
    }
}
