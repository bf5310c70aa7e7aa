package io.sluice.proxy.admin;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The thread admin edits run on (provider config, settings): one at a time, never on an event loop, since each
 * writes a file. Started by the first edit, gone after 30 s idle.
 */
final class AdminEdits {

    private static final ThreadPoolExecutor EDITS = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "sluice-admin-edit");
                t.setDaemon(true);
                return t;
            });

    static {
        EDITS.allowCoreThreadTimeOut(true);
    }

    private AdminEdits() {
    }

    static Executor executor() {
        return EDITS;
    }
}
