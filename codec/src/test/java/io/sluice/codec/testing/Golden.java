package io.sluice.codec.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden files under {@code src/test/resources}. A test compares its output with the file; run with
 * {@code -Dsluice.golden.update=true} to (re)write the files from the current output, then read the diff before
 * committing: a golden file is only as good as the review it got.
 */
public final class Golden {

    private static final boolean UPDATE = Boolean.getBoolean("sluice.golden.update");

    private Golden() {
    }

    /** Fixture text from the test classpath, e.g. {@code dialect/anthropic/text.sse}. */
    public static String read(String resource) {
        try (InputStream in = Golden.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static boolean exists(String resource) {
        return Golden.class.getClassLoader().getResource(resource) != null;
    }

    /** Asserts {@code actual} equals the golden resource, or writes it under update mode. */
    public static void check(String resource, String actual) {
        if (UPDATE) {
            Path p = Path.of("src/test/resources").resolve(resource);
            try {
                Files.createDirectories(p.getParent());
                Files.writeString(p, actual, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return;
        }
        if (!exists(resource)) {
            throw new AssertionError("missing golden file src/test/resources/" + resource
                    + " (run with -Dsluice.golden.update=true, then review it)");
        }
        assertThat(actual).as("golden " + resource).isEqualTo(read(resource));
    }
}
