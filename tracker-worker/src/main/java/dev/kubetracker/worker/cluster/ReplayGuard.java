package dev.kubetracker.worker.cluster;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Refuses replayed sync datagrams: per sender id, the highest sequence seen and a 64-wide window of
 * the ones just below it (as IPsec does), so late or reordered datagrams pass once and repeats never.
 * Senders silent for ten minutes are forgotten when the table grows. Used by the receiver thread only.
 */
final class ReplayGuard {
    private static final int WINDOW = 64;
    private static final int MAX_SENDERS = 1024;
    private static final long FORGET_MILLIS = 10 * 60_000L;

    private static final class Window {
        long highest;
        long seen; // bit i: sequence (highest - i) was accepted
        long lastMillis;
    }

    private final Map<Long, Window> senders = new HashMap<>();

    /** True (and remembered) the first time a sequence arrives from a sender; false for repeats and too-old ones. */
    boolean accept(long senderId, long sequence, long nowMillis) {
        if (sequence <= 0) {
            return false;
        }
        Window w = senders.get(senderId);
        if (w == null) {
            if (senders.size() >= MAX_SENDERS) {
                forgetSilent(nowMillis);
            }
            w = new Window();
            senders.put(senderId, w);
            w.highest = sequence;
            w.seen = 1;
            w.lastMillis = nowMillis;
            return true;
        }
        w.lastMillis = nowMillis;
        if (sequence > w.highest) {
            long shift = sequence - w.highest;
            w.seen = shift >= WINDOW ? 1 : (w.seen << shift) | 1;
            w.highest = sequence;
            return true;
        }
        long back = w.highest - sequence;
        if (back >= WINDOW) {
            return false;
        }
        long bit = 1L << back;
        if ((w.seen & bit) != 0) {
            return false;
        }
        w.seen |= bit;
        return true;
    }

    private void forgetSilent(long nowMillis) {
        for (Iterator<Window> it = senders.values().iterator(); it.hasNext(); ) {
            if (nowMillis - it.next().lastMillis > FORGET_MILLIS) {
                it.remove();
            }
        }
    }
}
