package dev.kubetracker.worker.swarm;

import java.util.Arrays;

/**
 * Operations on a {@code long[]} of packed peer records ({@link PeerRecord}), {@code stride} longs each
 * (1 for IPv4, 3 for IPv6). Indexes count records, not longs. A {@link Swarm} keeps one such array per
 * address family, holding two segments each sorted by key: seeders, then leechers. The key of a record
 * is every word except the low 16 bits (flags and minute) of the last.
 */
final class PeerArrays {
    /** A new torrent's first array holds one record: most torrents have one or two peers. */
    private static final int INITIAL_PEERS = 1;

    private PeerArrays() {
    }

    static long[] create(int stride) {
        return new long[INITIAL_PEERS * stride];
    }

    /** The array's length in longs after inserting one record into {@code size} held (grown when full). */
    static int lengthToHold(long[] records, int stride, int size) {
        if (records == null) {
            return INITIAL_PEERS * stride;
        }
        if ((size + 1) * stride <= records.length) {
            return records.length;
        }
        // Grow by a quarter (at least one record), not double: slack is memory per torrent, and the extra
        // copies this costs are of small arrays (an insert shifts half the array anyway).
        int peers = records.length / stride;
        return (peers + Math.max(1, peers / 4)) * stride;
    }

    /**
     * Index of the record with this key within the segment {@code [from, from + count)}, or
     * {@code -(insertion point) - 1}. For IPv4 only {@code w0} (the record) is read.
     */
    static int find(long[] records, int stride, int from, int count, long w0, long w1, long w2) {
        int lo = from;
        int hi = from + count - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = compareAt(records, stride, mid, w0, w1, w2);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    private static int compareAt(long[] records, int stride, int index, long w0, long w1, long w2) {
        int base = index * stride;
        if (stride == 1) {
            return Long.compare(records[base] >>> 16, w0 >>> 16);
        }
        int c = Long.compareUnsigned(records[base], w0);
        if (c != 0) {
            return c;
        }
        c = Long.compareUnsigned(records[base + 1], w1);
        if (c != 0) {
            return c;
        }
        return Long.compare(records[base + 2] >>> 16, w2 >>> 16);
    }

    /** The word holding port, flags and minute: the record itself for IPv4, the third word for IPv6. */
    static long tail(long[] records, int stride, int index) {
        return records[index * stride + stride - 1];
    }

    static void setTail(long[] records, int stride, int index, long tail) {
        records[index * stride + stride - 1] = tail;
    }

    /**
     * Inserts a record at {@code index} of the {@code size} records held, shifting the rest up; returns
     * the array, grown when full. An IPv4 record is its tail alone; {@code w0} and {@code w1} are the
     * IPv6 address words.
     */
    static long[] insert(long[] records, int stride, int size, int index, long w0, long w1, long tail) {
        int length = lengthToHold(records, stride, size);
        if (length != records.length) {
            records = Arrays.copyOf(records, length);
        }
        int base = index * stride;
        System.arraycopy(records, base, records, base + stride, (size - index) * stride);
        if (stride == 3) {
            records[base] = w0;
            records[base + 1] = w1;
        }
        records[base + stride - 1] = tail;
        return records;
    }

    /** Removes the record at {@code index} of the {@code size} records held, shifting the rest down. */
    static void remove(long[] records, int stride, int size, int index) {
        int base = index * stride;
        System.arraycopy(records, base + stride, records, base, (size - index - 1) * stride);
    }

    /**
     * Moves the records of the segment {@code [from, from + count)} seen within {@code timeoutMinutes}
     * down to start at {@code to} (at most {@code from}), in order; returns how many it kept.
     */
    static int keepFresh(long[] records, int stride, int from, int count, int to, int nowMinute, int cleanedMinute,
                         int timeoutMinutes) {
        int kept = 0;
        for (int i = from; i < from + count; i++) {
            if (PeerRecord.ageMinutes(tail(records, stride, i), nowMinute, cleanedMinute) <= timeoutMinutes) {
                if (to + kept != i) {
                    System.arraycopy(records, i * stride, records, (to + kept) * stride, stride);
                }
                kept++;
            }
        }
        return kept;
    }

    /** The array, or a smaller copy when fewer than a quarter of its (more than 8) places hold records. */
    static long[] shrinkIfSparse(long[] records, int stride, int size) {
        int capacity = records.length / stride;
        if (capacity > 8 && size < capacity / 4) {
            return Arrays.copyOf(records, Math.max(INITIAL_PEERS, size * 2) * stride);
        }
        return records;
    }
}
