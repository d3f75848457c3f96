package dev.kubetracker.worker.cluster;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Refuses replayed sync datagrams: per sender id, the highest sequence seen and a 64-wide window of
 * the ones just below it (as IPsec does), so late or reordered datagrams pass once and repeats never.
 * Senders silent for ten minutes are forgotten when the table is full, and if none is, the one heard from
 * longest ago (only holders of the cluster key get here, but the table stays bounded whatever they send).
 * Used by the receiver thread only.
 *
 * <p>It also counts loss: a sequence that leaves the window without having arrived, and the sequences a
 * jump skips past the window, are lost. Sequences before the first one seen from a sender are not: a
 * receiver that starts (or meets a new sender) late has lost nothing.
 */
final class ReplayGuard {
    private static final int WINDOW = 64;
    private static final int MAX_SENDERS = 1024;
    private static final long FORGET_MILLIS = 10 * 60_000L;

    private static final class Window {
        /** The first sequence seen: sequences below it were never this receiver's to lose. */
        long first;
        long highest;
        long seen; // bit i: sequence (highest - i) was accepted
        long lastMillis;
    }

    private final Map<Long, Window> senders = new HashMap<>();
    private final LongAdder lost;

    /** {@code lost} counts the sequences lost, over all senders. */
    ReplayGuard(LongAdder lost) {
        this.lost = lost;
    }

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
            w.first = sequence;
            w.highest = sequence;
            w.seen = 1;
            w.lastMillis = nowMillis;
            return true;
        }
        w.lastMillis = nowMillis;
        if (sequence > w.highest) {
            long shift = sequence - w.highest;
            lost.add(lostByShift(w, shift));
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

    /** Sequences that moving the window up by {@code shift} pushes out unseen, or skips past it. */
    private static long lostByShift(Window w, long shift) {
        long leaving = shift >= WINDOW ? -1L : -1L << (WINDOW - shift);
        long span = w.highest - w.first; // bit i stands for highest - i, which must be >= first
        long counted = span >= WINDOW - 1 ? -1L : (1L << (span + 1)) - 1;
        long skipped = Math.max(0, shift - WINDOW); // above highest, and already out of the new window
        return Long.bitCount(leaving & counted & ~w.seen) + skipped;
    }

    private void forgetSilent(long nowMillis) {
        Map.Entry<Long, Window> longestSilent = null;
        for (Iterator<Map.Entry<Long, Window>> it = senders.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Window> e = it.next();
            if (nowMillis - e.getValue().lastMillis > FORGET_MILLIS) {
                it.remove();
            } else if (longestSilent == null || e.getValue().lastMillis < longestSilent.getValue().lastMillis) {
                longestSilent = e;
            }
        }
        if (senders.size() >= MAX_SENDERS && longestSilent != null) {
            senders.remove(longestSilent.getKey());
        }
    }

    /** Senders remembered (for tests). */
    int senders() {
        return senders.size();
    }
}
