package io.sluice.proxy.speech;

/**
 * One client's hold on a speech file: pause while its connection is full, resume when it drains, leave when it goes.
 * Every method runs on the client's event loop; the file hears of it on its own loop.
 */
public final class Subscription {

    private final SpeechCache owner;
    private final SpeechTarget target;
    private final ByteRange range;
    private final SpeechListener listener;
    /** The file joined last; set and read on the client's loop. */
    private SpeechEntry entry;
    private boolean paused;
    private boolean left;
    private int tries;
    private String result = "miss";

    Subscription(SpeechCache owner, SpeechTarget target, ByteRange range, SpeechListener listener) {
        this.owner = owner;
        this.target = target;
        this.range = range;
        this.listener = listener;
    }

    SpeechTarget target() {
        return target;
    }

    ByteRange range() {
        return range;
    }

    SpeechListener listener() {
        return listener;
    }

    /** Joins {@code e}: on the client's loop, before the file hears of it. */
    void joining(SpeechEntry e) {
        entry = e;
    }

    /** The file began to answer, found as {@code how}. On the client's loop. */
    void served(String how) {
        result = how;
    }

    /** How the file was found: {@code hit}, {@code coalesced}, {@code miss} or {@code uncached}. */
    public String cacheResult() {
        return result;
    }

    /** The file went away before it could serve this client: find or make it again, a few times at most. */
    void retry() {
        if (left) {
            return;
        }
        if (++tries >= SpeechCache.MAX_TRIES) {
            listener.fail(503, "the audio could not be served: the file went away " + tries + " times while this"
                    + " request waited; try again", "tts_busy");
            return;
        }
        owner.attach(this);
    }

    /** The client's connection is full: a file streaming uncached stops reading its upstream until it drains. */
    public void pause() {
        SpeechEntry e = entry;
        if (!paused && !left && e != null) {
            paused = true;
            e.post(() -> e.paused(this, true));
        }
    }

    /** The client's connection drained. */
    public void resume() {
        SpeechEntry e = entry;
        if (paused && !left && e != null) {
            paused = false;
            e.post(() -> e.paused(this, false));
        }
    }

    /** The client went away. */
    public void leave() {
        if (!left) {
            left = true;
            SpeechEntry e = entry;
            if (e != null) {
                e.post(() -> e.leave(this));
            }
        }
    }
}
