package io.sluice.proxy.testing;

import io.sluice.proxy.SluiceServer;
import java.io.IOException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Samples read out of a Prometheus text scrape ({@code GET /metrics}), whatever the order of their labels. */
public final class Prometheus {

    private Prometheus() {
    }

    /** {@code GET /metrics} of {@code s}, over HTTP as a scraper reads it. */
    public static String scrape(SluiceServer s) throws IOException, InterruptedException {
        return Http.get(s, "/metrics").body();
    }

    /** The value of {@code name{method,path,status}}: the shape of the HTTP request counters. */
    public static Optional<Double> sample(String scrape, String name, String method, String path, String status) {
        return sample(scrape, name, "method", method, "path", path, "status", status);
    }

    /** The value of the first sample of {@code name} having all the given label name/value pairs. */
    public static Optional<Double> sample(String scrape, String name, String... labelPairs) {
        Pattern line = Pattern.compile("^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);
        Matcher m = line.matcher(scrape);
        next:
        while (m.find()) {
            String labels = m.group(1);
            for (int i = 0; i < labelPairs.length; i += 2) {
                if (!labels.contains(labelPairs[i] + "=\"" + labelPairs[i + 1] + "\"")) {
                    continue next;
                }
            }
            return Optional.of(Double.parseDouble(m.group(2)));
        }
        return Optional.empty();
    }

    /** The value of the first sample of {@code name}, labelled or not. */
    public static Optional<Double> gauge(String scrape, String name) {
        Matcher m = Pattern.compile("^" + Pattern.quote(name) + "(?:\\{[^}]*\\})? (\\S+)$", Pattern.MULTILINE)
                .matcher(scrape);
        return m.find() ? Optional.of(Double.parseDouble(m.group(1))) : Optional.empty();
    }
}
