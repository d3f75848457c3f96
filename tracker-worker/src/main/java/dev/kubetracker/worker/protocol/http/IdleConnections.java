package dev.kubetracker.worker.protocol.http;

/**
 * The open connections of one event loop, least recently active first, so closing the idle ones
 * looks only at the head of the list. The links live in the connections themselves: opening,
 * touching and closing a connection move two references and allocate nothing (a timer per
 * connection would cost a scheduled task for every short-lived announce).
 */
final class IdleConnections {
    private final long timeoutNanos;
    private HttpConnection oldest;
    private HttpConnection newest;

    IdleConnections(long timeoutNanos) {
        this.timeoutNanos = timeoutNanos;
    }

    /** Marks the connection active now (adds it, or moves it to the end). */
    void touch(HttpConnection c, long nowNanos) {
        if (c.linked) {
            unlink(c);
        }
        c.lastActiveNanos = nowNanos;
        c.older = newest;
        c.newer = null;
        if (newest != null) {
            newest.newer = c;
        } else {
            oldest = c;
        }
        newest = c;
        c.linked = true;
    }

    void remove(HttpConnection c) {
        if (c.linked) {
            unlink(c);
        }
    }

    /** Closes every connection idle for longer than the timeout. */
    void closeIdle(long nowNanos) {
        while (oldest != null && nowNanos - oldest.lastActiveNanos > timeoutNanos) {
            HttpConnection c = oldest;
            unlink(c);
            c.closeIdle();
        }
    }

    private void unlink(HttpConnection c) {
        if (c.older != null) {
            c.older.newer = c.newer;
        } else {
            oldest = c.newer;
        }
        if (c.newer != null) {
            c.newer.older = c.older;
        } else {
            newest = c.older;
        }
        c.older = null;
        c.newer = null;
        c.linked = false;
    }
}
