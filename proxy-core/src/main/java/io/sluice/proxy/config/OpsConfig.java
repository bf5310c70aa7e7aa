package io.sluice.proxy.config;

import java.nio.file.Path;

/**
 * Usage accounting, logs and metrics: where usage is kept across restarts, the per-provider log rings and their
 * optional files, the opt-in request logger, and the Prometheus endpoint.
 *
 * @param usageFile        the usage ledger's append-only file, or null to keep usage in memory only
 * @param logCapacity      entries kept in memory per provider
 * @param logDir           a rotating file per provider in this directory, or null for none
 * @param logMaxBytes      a provider log file (and the request log) rotates past this size
 * @param logKeep          rotated files kept per log
 * @param requestLogFile   the request logger's file (each exchange, secrets masked), or null when off
 * @param maxCaptureBytes  bytes kept of each of the four bodies of one exchange in the request log
 * @param metricsEnabled   whether the Prometheus endpoint answers (the seed's {@code METRICS_ENABLED})
 * @param metricsPath      where it answers (the seed's {@code METRICS_PATH}), an absolute path
 * @param dataDir          where runtime settings changed through {@code /api/settings/*} are kept
 *                         ({@code <dataDir>/settings/<name>.json}), or null to keep them in memory only
 */
public record OpsConfig(Path usageFile, int logCapacity, Path logDir, long logMaxBytes, int logKeep,
                        Path requestLogFile, int maxCaptureBytes, boolean metricsEnabled, String metricsPath,
                        Path dataDir) {

    public static final String DEFAULT_METRICS_PATH = "/metrics";

    public static final int DEFAULT_LOG_CAPACITY = 1000;
    public static final long DEFAULT_LOG_MAX_BYTES = 10L * 1024 * 1024;
    public static final int DEFAULT_LOG_KEEP = 5;
    public static final int DEFAULT_MAX_CAPTURE_BYTES = 64 * 1024;
    static final int MAX_LOG_CAPACITY = 1_000_000;

    public OpsConfig {
        Check.range("logs.capacity", logCapacity, 1, MAX_LOG_CAPACITY);
        Check.range("logs.keep", logKeep, 1, 100);
        if (logMaxBytes < 1024) {
            throw ConfigException.invalid("logs.maxFileBytes", logMaxBytes, ">= 1024");
        }
        Check.range("logs.requests.maxCaptureBytes", maxCaptureBytes, 0, 16 * 1024 * 1024);
        metricsPath = metricsPath == null || metricsPath.isBlank() ? DEFAULT_METRICS_PATH : metricsPath.strip();
        if (!metricsPath.startsWith("/") || metricsPath.contains("?") || metricsPath.contains("#")
                || metricsPath.startsWith("/v1") || metricsPath.startsWith("/api/") || metricsPath.equals("/health")) {
            throw ConfigException.invalid("metrics.path", metricsPath,
                    "an absolute path like /metrics, not one of Sluice's own routes");
        }
    }

    public OpsConfig(Path usageFile, int logCapacity, Path logDir, long logMaxBytes, int logKeep,
                     Path requestLogFile, int maxCaptureBytes) {
        this(usageFile, logCapacity, logDir, logMaxBytes, logKeep, requestLogFile, maxCaptureBytes, true,
                DEFAULT_METRICS_PATH, null);
    }

    /** The same settings, with runtime settings kept in {@code dir}. */
    public OpsConfig withDataDir(Path dir) {
        return new OpsConfig(usageFile, logCapacity, logDir, logMaxBytes, logKeep, requestLogFile, maxCaptureBytes,
                metricsEnabled, metricsPath, dir);
    }

    /** Memory-only usage, 1,000 log entries per provider, no files. */
    public static OpsConfig defaults() {
        return new OpsConfig(null, DEFAULT_LOG_CAPACITY, null, DEFAULT_LOG_MAX_BYTES, DEFAULT_LOG_KEEP, null,
                DEFAULT_MAX_CAPTURE_BYTES);
    }
}
