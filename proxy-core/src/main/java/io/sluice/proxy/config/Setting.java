package io.sluice.proxy.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * One setting an operator may change at runtime ({@code GET/PUT/DELETE /api/settings/<name>}): a validated value, in
 * force from the next request, kept in {@code <dataDir>/settings/<name>.json} so that it survives a restart. At start
 * a kept file wins over the YAML value (it is the operator's later word); {@code DELETE} removes the file and goes
 * back to the YAML value. Reads are a volatile load: request paths call {@link #get()} freely.
 *
 * @param <T> the value's type, immutable
 */
public final class Setting<T> {

    /** How a setting's value is read from and written to JSON. */
    public interface Codec<T> {
        /** The value a JSON document describes; a {@link ConfigException} naming the field when it cannot be one. */
        T parse(JsonNode json);

        /** The JSON document of {@code value}, complete: what is kept on disk and read back by {@link #parse}. */
        JsonNode write(T value);

        /** What {@code GET} shows: {@link #write}, with secrets masked. */
        default JsonNode show(T value) {
            return write(value);
        }
    }

    static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final T initial;
    private final Codec<T> codec;
    private final Path file;
    private final List<Consumer<T>> listeners = new CopyOnWriteArrayList<>();
    private volatile T value;
    private volatile boolean changed;

    Setting(String name, T initial, Codec<T> codec, Path file) {
        this.name = name;
        this.initial = initial;
        this.codec = codec;
        this.file = file;
        this.value = initial;
        if (file != null && Files.isRegularFile(file)) {
            try {
                this.value = parse(Files.readString(file, StandardCharsets.UTF_8));
                this.changed = true;
            } catch (IOException e) {
                throw new ConfigException(file + ": cannot read (" + e.getMessage() + ")", e);
            } catch (ConfigException e) {
                throw new ConfigException(file + ": " + e.getMessage() + " (fix or delete the file: it is the"
                        + " setting " + name + " as last changed through /api/settings/" + name + ")", e);
            }
        }
    }

    public String name() {
        return name;
    }

    /** The value in force. */
    public T get() {
        return value;
    }

    /** Whether the value in force was changed at runtime (now or before a restart) rather than from the YAML. */
    public boolean changed() {
        return changed;
    }

    /** The file it is kept in, or null when Sluice has no data directory. */
    public Path file() {
        return file;
    }

    /** Calls {@code onChange} with every later value, on the thread that sets it. */
    public void onChange(Consumer<T> onChange) {
        listeners.add(onChange);
    }

    /** The value {@code json} describes, checked; nothing changes. */
    public T parse(String json) {
        JsonNode tree;
        try {
            tree = json == null || json.isBlank() ? null : JSON.readTree(json);
        } catch (JacksonException e) {
            throw ConfigException.at("body", "not valid JSON (expected: the " + name + " setting as a JSON object)");
        }
        if (tree == null || !tree.isObject()) {
            throw ConfigException.at("body", "not a JSON object (expected: the " + name + " setting)");
        }
        return codec.parse(tree);
    }

    /** Puts {@code next} in force and keeps it on disk (written whole, mode 0600, then renamed into place). */
    public synchronized void set(T next) throws IOException {
        if (file != null) {
            AtomicFiles.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(codec.write(next))
                    + "\n");
        }
        apply(next, true);
    }

    /** Goes back to the YAML value and forgets the kept one. */
    public synchronized void reset() throws IOException {
        if (file != null) {
            Files.deleteIfExists(file);
        }
        apply(initial, false);
    }

    private void apply(T next, boolean runtime) {
        value = next;
        changed = runtime;
        for (Consumer<T> l : listeners) {
            l.accept(next);
        }
    }

    /** The value in force as kept on disk, secrets included (shared state seals it before it leaves). */
    public JsonNode json() {
        return codec.write(value);
    }

    /** The value in force as {@code GET} shows it (secrets masked). */
    public JsonNode show() {
        return codec.show(value);
    }
}
