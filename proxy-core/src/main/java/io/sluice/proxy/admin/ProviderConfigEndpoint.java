package io.sluice.proxy.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.sluice.proxy.config.ConfigException;
import io.sluice.proxy.config.ConfigSource;
import io.sluice.proxy.config.DotEnvFile;
import io.sluice.proxy.config.LiveConfig;
import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.config.ProviderEdit;
import io.sluice.proxy.config.ProviderEdits;
import io.sluice.proxy.json.JsonText;
import io.sluice.proxy.json.Text;
import io.sluice.proxy.logs.LogLevel;
import io.sluice.proxy.ops.Operations;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /api/monitoring/providers/:name/config}: sets a provider's {@code enabled}, {@code api_key} /
 * {@code api_keys}, {@code base_url} and {@code models} at runtime, as the seed's dashboard does. The change is checked
 * like config loading, put in force for the next request by swapping the provider set whole (streams in flight keep
 * what they hold), and persisted to the {@code .env} the config was loaded from. {@code :name} may also be a type
 * not running yet ({@code xai}, the seed's {@code google}): it is made as {@code <P>_ENABLED=1} would make it.
 *
 * <p>Edits run one at a time on a thread of their own, never an event loop: they write a file. Keys never appear
 * unmasked in the answer or the logs.
 */
final class ProviderConfigEndpoint {

    private static final InternalLogger LOG = InternalLoggerFactory.getInstance(ProviderConfigEndpoint.class);
    /** A provider edit is a few hundred bytes; anything much larger is not one. */
    static final int MAX_BODY_CHARS = 64 * 1024;

    private final LiveConfig live;
    private final ConfigSource source;
    private final Operations ops;
    /** Shares edits with the other instances; null in the embedded state. */
    private volatile SharedEdits shared;

    ProviderConfigEndpoint(LiveConfig live, ConfigSource source, Operations ops) {
        this.live = live;
        this.source = source;
        this.ops = ops;
    }

    void share(SharedEdits edits) {
        this.shared = edits;
    }

    /**
     * An edit another instance took, applied as {@link #post} applies one but not written to this instance's
     * {@code .env} (Redis keeps it for the cluster). On the admin edit thread.
     */
    void applyShared(String name, String body) {
        ProviderEdits.Result r = ProviderEdits.apply(live.current(), source, name, ProviderEdit.parse(body));
        if (r == null) {
            return;
        }
        live.swap(r.next());
        source.update(r.set(), r.remove());
        ProviderConfig p = r.provider();
        String summary = "reconfigured by the operator on another instance: " + ProviderEndpoints.status(p) + ", "
                + p.apiKeys().size() + " key(s) " + p.maskedApiKeys() + ", " + p.models().size() + " model(s)";
        ops.log(p.name(), LogLevel.INFO, "config", summary, null, null, null, null);
        LOG.info("provider {} {}", p.name(), summary);
    }

    CompletableFuture<MonitoringApi.Answer> post(String name, String body) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return edit(name, body);
            } catch (ConfigException e) {
                return MonitoringApi.error(HttpResponseStatus.BAD_REQUEST, e.getMessage());
            } catch (RuntimeException e) {
                LOG.warn("provider config edit failed", e);
                return MonitoringApi.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "the edit failed: "
                        + e.getClass().getSimpleName());
            }
        }, AdminEdits.executor());
    }

    private MonitoringApi.Answer edit(String name, String body) {
        if (body != null && body.length() > MAX_BODY_CHARS) {
            return MonitoringApi.error(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "body: over " + MAX_BODY_CHARS
                    + " characters (expected: a JSON object with enabled, api_key, api_keys, base_url, models)");
        }
        ProviderEdit edit = ProviderEdit.parse(body);
        if (edit.isEmpty()) {
            throw ConfigException.at("body", "no field to change (expected: one or more of enabled, api_key, api_keys,"
                    + " base_url, models)");
        }
        ProviderEdits.Result r = ProviderEdits.apply(live.current(), source, name, edit);
        if (r == null) {
            return MonitoringApi.error(HttpResponseStatus.NOT_FOUND, "no provider or provider type named "
                    + Text.printable(name));
        }
        live.swap(r.next());
        source.update(r.set(), r.remove());
        ProviderConfig p = r.provider();
        List<String> notes = new ArrayList<>();
        boolean persisted = persist(r, notes);
        Boolean sharedAll = share(name, edit, notes);
        String summary = (r.created() ? "configured by the operator" : "reconfigured by the operator") + ": "
                + ProviderEndpoints.status(p) + ", " + p.apiKeys().size() + " key(s) " + p.maskedApiKeys()
                + ", base URL " + p.baseUrl() + ", " + p.models().size() + " model(s)"
                + (persisted ? "; saved to " + source.dotEnv() : "; not saved");
        ops.log(p.name(), LogLevel.INFO, "config", summary, null, null, null, null);
        LOG.info("provider {} {}", p.name(), summary);
        JsonText j = new JsonText().begin().field("success", true).field("provider", p.name())
                .field("created", r.created()).field("applied", true).field("persisted", persisted)
                .field("shared", sharedAll)
                .field("file", persisted ? source.dotEnv().toString() : null)
                .field("note", notes.isEmpty() ? null : String.join(" ", notes))
                .stringArray("variables", List.copyOf(r.set().keySet())).stringArray("removed",
                        List.copyOf(r.remove()));
        j.begin("config").field("name", p.name()).field("type", p.type()).field("enabled", p.enabled())
                .field("configured", p.configured()).field("status", ProviderEndpoints.status(p))
                .field("baseUrl", p.baseUrl() == null ? null : p.baseUrl().toString())
                .stringArray("maskedKeys", p.maskedApiKeys()).stringArray("keyNames", p.keyNames())
                .stringArray("models", p.models()).end();
        return new MonitoringApi.Answer(HttpResponseStatus.OK, j.end().toString());
    }

    /** Publishes each field of the edit; null without other instances, else whether all of it was shared. */
    private Boolean share(String name, ProviderEdit edit, List<String> notes) {
        SharedEdits edits = shared;
        if (edits == null) {
            return null;
        }
        JsonNodeFactory f = JsonNodeFactory.instance;
        List<String> refused = new ArrayList<>();
        if (edit.enabled() != null) {
            refused.add(edits.provider(name, "enabled", f.booleanNode(edit.enabled()), false));
        }
        if (edit.apiKeys() != null) {
            ArrayNode keys = f.arrayNode();
            edit.apiKeys().forEach(keys::add);
            refused.add(edits.provider(name, "api_keys", keys, !edit.apiKeys().isEmpty()));
        }
        if (edit.baseUrl() != null) {
            refused.add(edits.provider(name, "base_url", edit.baseUrl().isEmpty() ? f.nullNode()
                    : f.textNode(edit.baseUrl()), edit.baseUrl().contains("@")));
        }
        if (edit.models() != null) {
            ArrayNode models = f.arrayNode();
            edit.models().forEach(models::add);
            refused.add(edits.provider(name, "models", models, false));
        }
        refused.removeIf(Objects::isNull);
        if (!refused.isEmpty()) {
            notes.add(refused.get(0));
        }
        return refused.isEmpty();
    }

    /** Writes the edit's variables to the {@code .env}; false (with the reason in {@code notes}) when it cannot. */
    private boolean persist(ProviderEdits.Result r, List<String> notes) {
        String name = r.provider().name();
        if (source.dotEnv() == null) {
            notes.add("Applied until restart: Sluice was started without a config file, so there is no .env to save"
                    + " to.");
            return false;
        }
        if (source.inFile(name)) {
            notes.add("Applied until restart: provider " + name + " is configured in " + source.yaml()
                    + "; change it there to keep it.");
            return false;
        }
        if (r.prefix() == null || r.set().isEmpty() && r.remove().isEmpty()) {
            notes.add("Applied until restart: provider " + name + " has no environment variables to save.");
            return false;
        }
        try {
            DotEnvFile.update(source.dotEnv(), r.set(), r.remove());
        } catch (IOException | ConfigException e) {
            notes.add("Applied until restart: cannot write " + source.dotEnv() + " (" + e.getMessage() + ").");
            return false;
        }
        List<String> shadowed = new ArrayList<>();
        r.set().keySet().stream().filter(source::fromProcess).forEach(shadowed::add);
        r.remove().stream().filter(source::fromProcess).forEach(shadowed::add);
        if (!shadowed.isEmpty()) {
            notes.add("Saved, but the process environment also sets " + String.join(", ", shadowed)
                    + ", which outranks " + source.dotEnv().getFileName() + " at the next start.");
        }
        return true;
    }
}
