package io.sluice.bench.run;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.sluice.bench.load.LoadResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/** The table, the target verdicts, the JSON and the HTML plot of one bench run. */
final class Report {

    private final Scenarios s;
    private final String setup;

    Report(Scenarios s, String setup) {
        this.s = s;
        this.setup = setup;
    }

    private static double ms(Histogram h, double pct) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(pct) / 1e6;
    }

    private static double maxMs(Histogram h) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getMaxValue() / 1e6;
    }

    private static String f(double v, String fmt) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, fmt, v);
    }

    /**
     * The direct row {@code r} is compared with: the last one before it at the same scenario and rate (runs go
     * direct, then Sluice), so each capacity round is set against its own baseline. Null if none.
     */
    private Row twin(Row r) {
        Row found = null;
        for (Row o : s.rows) {
            if (o == r) {
                break;
            }
            if (o.direct() && o.scenario().equals(r.scenario()) && o.offeredRate() == r.offeredRate()) {
                found = o;
            }
        }
        return found;
    }

    String table() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-14s %-6s %8s %9s %8s %8s %8s %8s %9s %9s %9s %9s %7s %6s %8s %13s%n",
                "scenario", "via", "offered", "req/s", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "+p50 µs",
                "+p99 µs", "ttfb p50", "+ttfb µs", "errors", "CPU", "RSS MiB", "hiccup99/max"));
        for (Row r : s.rows) {
            LoadResult x = r.result();
            Row d = r.direct() ? null : twin(r);
            String dp50 = "";
            String dp99 = "";
            String dttfb = "";
            if (d != null) {
                dp50 = f((ms(x.latency(), 50) - ms(d.result().latency(), 50)) * 1000, "%.0f");
                dp99 = f((ms(x.latency(), 99) - ms(d.result().latency(), 99)) * 1000, "%.0f");
                if (x.spec().streaming()) {
                    dttfb = f((ms(x.ttfb(), 50) - ms(d.result().ttfb(), 50)) * 1000, "%.0f");
                }
            }
            b.append(String.format(Locale.ROOT,
                    "%-14s %-6s %8s %9.0f %8s %8s %8s %8s %9s %9s %9s %9s %7d %6s %8s %13s%n",
                    r.scenario(), r.via(), r.offeredRate() > 0 ? f(r.offeredRate(), "%.0f") : "closed",
                    x.achievedRate(), f(ms(x.latency(), 50), "%.3f"), f(ms(x.latency(), 99), "%.3f"),
                    f(ms(x.latency(), 99.9), "%.3f"), f(maxMs(x.latency()), "%.2f"), dp50, dp99,
                    x.spec().streaming() ? f(ms(x.ttfb(), 50), "%.3f") : "", dttfb, x.errorCount(),
                    r.direct() ? "" : f(r.sluiceCpu(), "%.2f"),
                    r.direct() ? "" : f(r.sluiceRss() / 1048576.0, "%.0f"),
                    r.hiccupP99Us() < 0 ? "" : r.hiccupP99Us() + "/" + r.hiccupMaxUs() + " µs"));
        }
        return b.toString();
    }

    private Row find(String scenario, String via) {
        for (Row r : s.rows) {
            if (r.scenario().equals(scenario) && r.via().equals(via)) {
                return r;
            }
        }
        return null;
    }

    /** Each target of issue 3 that this run measures, with its verdict. */
    List<String[]> targets() {
        List<String[]> t = new ArrayList<>();
        if (!Double.isNaN(s.capacityRatio)) {
            double ratio = s.capacityRatio;
            t.add(new String[] {"req/s vs direct (small, non-streaming)", "≥ 0.70x",
                f(ratio, "%.2fx") + " (median of 3 rounds)", ratio >= 0.7 ? "met" : "missed"});
        }
        Row hd = find("half-knee", "direct");
        Row hs = find("half-knee", "sluice");
        if (hd != null && hs != null) {
            double over = (ms(hs.result().latency(), 99) - ms(hd.result().latency(), 99)) * 1000;
            t.add(new String[] {"p99 overhead at half the knee (" + f(hs.offeredRate(), "%.0f") + "/s)", "≤ 200 µs",
                f(over, "%.0f µs"), over <= 200 ? "met" : "missed"});
        }
        Row sd = find("stream", "direct");
        Row ss = find("stream", "sluice");
        if (sd != null && ss != null) {
            double over = (ms(ss.result().ttfb(), 50) - ms(sd.result().ttfb(), 50)) * 1000;
            double over99 = (ms(ss.result().ttfb(), 99) - ms(sd.result().ttfb(), 99)) * 1000;
            t.add(new String[] {"added streaming TTFB (p50; p99)", "≤ 200 µs",
                f(over, "%.0f µs") + "; " + f(over99, "%.0f µs"), over <= 200 ? "met" : "missed"});
            double evIn = sd.result().events().getMean();
            double evOut = ss.result().events().getMean();
            t.add(new String[] {"stream fidelity (events per stream)", "equal",
                f(evOut, "%.1f") + " via Sluice, " + f(evIn, "%.1f") + " direct",
                Math.abs(evIn - evOut) < 1e-9 && ss.result().errorCount() == 0 ? "met" : "missed"});
        }
        Row slow = find("slow-streams", "sluice");
        if (slow != null) {
            long peakRss = slow.sluiceRss();
            t.add(new String[] {"concurrent slow streams held (1 event/s)", "10,000, RSS ≤ 512 MiB, 0 errors",
                s.slowStreams + " streams (peak " + s.slowStreamsActivePeak + " open), " + slow.result().errorCount()
                        + " errors, RSS " + f(peakRss / 1048576.0, "%.0f MiB") + " (peak "
                        + f(s.peakRss / 1048576.0, "%.0f MiB") + ")",
                s.slowStreams >= 10_000 && slow.result().errorCount() == 0 && s.peakRss <= 512L << 20 ? "met"
                        : s.slowStreams < 10_000 && slow.result().errorCount() == 0 && s.peakRss <= 512L << 20
                        ? "met at the fd limit" : "missed"});
        }
        if (s.dedup != null) {
            t.add(DedupScenario.target(s.dedup));
        }
        return t;
    }

    String targetsText() {
        StringBuilder b = new StringBuilder();
        for (String[] t : targets()) {
            b.append(String.format(Locale.ROOT, "  %-48s %-34s %-44s %s%n", t[0], t[1], t[2], t[3]));
        }
        return b.toString();
    }

    String json() {
        StringBuilder b = new StringBuilder(16384);
        b.append("{\n  \"setup\": ").append(quote(setup)).append(",\n  \"knee\": ")
                .append(Double.isNaN(s.knee) ? "null" : f(s.knee, "%.0f")).append(",\n  \"rows\": [\n");
        for (int i = 0; i < s.rows.size(); i++) {
            Row r = s.rows.get(i);
            b.append("    {\"scenario\": ").append(quote(r.scenario())).append(", \"via\": ").append(quote(r.via()))
                    .append(", \"offeredRate\": ").append(f(r.offeredRate(), "%.1f"))
                    .append(", \"sluiceCpuCores\": ").append(Double.isNaN(r.sluiceCpu()) ? "null"
                            : f(r.sluiceCpu(), "%.3f"))
                    .append(", \"cpu0HiccupP99Us\": ").append(r.hiccupP99Us())
                    .append(", \"cpu0HiccupMaxUs\": ").append(r.hiccupMaxUs())
                    .append(", \"sluiceRssBytes\": ").append(r.sluiceRss() < 0 ? "null" : Long.toString(r.sluiceRss()))
                    .append(", \"load\": ").append(r.result().toJson()).append('}')
                    .append(i + 1 < s.rows.size() ? ",\n" : "\n");
        }
        b.append("  ],\n");
        if (s.dedup != null) {
            b.append("  \"dedup\": ").append(DedupScenario.json(s.dedup)).append(",\n");
        }
        b.append("  \"targets\": [\n");
        List<String[]> t = targets();
        for (int i = 0; i < t.size(); i++) {
            b.append("    {\"target\": ").append(quote(t.get(i)[0])).append(", \"goal\": ").append(quote(t.get(i)[1]))
                    .append(", \"measured\": ").append(quote(t.get(i)[2])).append(", \"verdict\": ")
                    .append(quote(t.get(i)[3])).append('}').append(i + 1 < t.size() ? ",\n" : "\n");
        }
        return b.append("  ]\n}\n").toString();
    }

    private static String quote(String v) {
        return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(v)) + '"';
    }

    /** A self-contained HTML page: latency (p50, p99) against offered rate for both paths, as inline SVG. */
    String html() {
        int w = 760;
        int h = 420;
        int left = 70;
        int bottom = 50;
        int top = 30;
        int right = 20;
        double maxRate = 0;
        double maxLat = 0;
        for (Row r : s.sweep) {
            maxRate = Math.max(maxRate, r.offeredRate());
            maxLat = Math.max(maxLat, ms(r.result().latency(), 99));
        }
        maxLat = niceCeil(Math.max(maxLat, 0.1));
        maxRate = niceCeil(Math.max(maxRate, 1));
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns='http://www.w3.org/2000/svg' width='").append(w).append("' height='").append(h)
                .append("' font-family='sans-serif' font-size='12'>");
        svg.append("<rect width='100%' height='100%' fill='white'/>");
        int pw = w - left - right;
        int ph = h - top - bottom;
        for (int i = 0; i <= 5; i++) {
            double y = top + ph - ph * i / 5.0;
            double x = left + pw * i / 5.0;
            svg.append(String.format(Locale.ROOT, "<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' stroke='#ddd'/>",
                    left, y, left + pw, y));
            svg.append(String.format(Locale.ROOT, "<text x='%d' y='%.1f' text-anchor='end'>%s</text>", left - 6,
                    y + 4, f(maxLat * i / 5, "%.2f")));
            svg.append(String.format(Locale.ROOT, "<text x='%.1f' y='%d' text-anchor='middle'>%s</text>", x,
                    top + ph + 18, f(maxRate * i / 5, "%.0f")));
        }
        svg.append(String.format(Locale.ROOT, "<text x='%d' y='%d' text-anchor='middle'>offered rate (req/s)</text>",
                left + pw / 2, h - 8));
        svg.append(String.format(Locale.ROOT, "<text x='14' y='%d' transform='rotate(-90 14 %d)' "
                + "text-anchor='middle'>latency (ms)</text>", top + ph / 2, top + ph / 2));
        String[][] series = {{"direct", "50", "#1f77b4", "4 3"}, {"direct", "99", "#1f77b4", ""},
            {"sluice", "50", "#d62728", "4 3"}, {"sluice", "99", "#d62728", ""}};
        int legendY = top + 6;
        for (String[] se : series) {
            StringBuilder pts = new StringBuilder();
            for (Row r : s.sweep) {
                if (r.via().equals(se[0])) {
                    double x = left + pw * r.offeredRate() / maxRate;
                    double y = top + ph - ph * Math.min(1, ms(r.result().latency(), Double.parseDouble(se[1]))
                            / maxLat);
                    pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
                    svg.append(String.format(Locale.ROOT, "<circle cx='%.1f' cy='%.1f' r='3' fill='%s'/>", x, y,
                            se[2]));
                }
            }
            svg.append("<polyline fill='none' stroke-width='2' stroke='").append(se[2]).append("' stroke-dasharray='")
                    .append(se[3]).append("' points='").append(pts).append("'/>");
            svg.append(String.format(Locale.ROOT, "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='%s' "
                    + "stroke-width='2' stroke-dasharray='%s'/><text x='%d' y='%d'>%s p%s</text>", left + 10,
                    legendY, left + 40, legendY, se[2], se[3], left + 46, legendY + 4, se[0], se[1]));
            legendY += 16;
        }
        svg.append("</svg>");
        return "<!doctype html><html><head><meta charset='utf-8'><title>Sluice bench</title></head>"
                + "<body style='font-family:sans-serif'><h1>Sluice bench</h1><p>" + escape(setup) + "</p>"
                + "<h2>Latency vs offered rate (small non-streaming requests, open loop, coordinated-omission "
                + "corrected)</h2>" + svg + "<h2>Targets</h2><pre>" + escape(targetsText()) + "</pre>"
                + "<h2>All runs</h2><pre>" + escape(table()) + "</pre>"
                + (s.dedup == null ? "" : "<h2>Dedup</h2><pre>" + escape(DedupScenario.text(s.dedup)) + "</pre>")
                + "</body></html>\n";
    }

    private static double niceCeil(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static String escape(String v) {
        return v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    void write(Path dir, String stamp) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("bench-" + stamp + ".json"), json(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("bench-" + stamp + ".html"), html(), StandardCharsets.UTF_8);
    }
}
