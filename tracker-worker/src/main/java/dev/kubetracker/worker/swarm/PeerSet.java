package dev.kubetracker.worker.swarm;

import java.util.Arrays;

/**
 * The peers of one role (seeders or leechers) and one address family of a torrent: packed records in a
 * {@code long[]} kept sorted by key (address, port), so a re-announce is found by binary search and an
 * expiry sweep compacts in place. A record is {@code stride} longs: 1 for IPv4, 3 for IPv6; the key is
 * every word except the low 16 bits (flags and minute) of the last.
 */
final class PeerSet {
    private static final int INITIAL_PEERS = 2;

    private final int stride;
    private long[] records;
    private int size;

    PeerSet(int stride) {
        this.stride = stride;
        this.records = new long[INITIAL_PEERS * stride];
    }

    int size() {
        return size;
    }

    /**
     * Index of the peer with this key, or {@code -(insertion point) - 1}. For IPv4 only {@code w0}
     * (the record) is read.
     */
    int find(long w0, long w1, long w2) {
        int lo = 0;
        int hi = size - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = compareAt(mid, w0, w1, w2);
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

    private int compareAt(int index, long w0, long w1, long w2) {
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

    void insertAt(int index, long w0, long w1, long w2) {
        if ((size + 1) * stride > records.length) {
            // Grow by half, not double: most swarms are small, and slack is memory per torrent.
            int peers = records.length / stride;
            records = Arrays.copyOf(records, (peers + Math.max(1, peers / 2)) * stride);
        }
        int base = index * stride;
        System.arraycopy(records, base, records, base + stride, (size - index) * stride);
        records[base] = w0;
        if (stride == 3) {
            records[base + 1] = w1;
            records[base + 2] = w2;
        }
        size++;
    }

    void removeAt(int index) {
        int base = index * stride;
        System.arraycopy(records, base + stride, records, base, (size - index - 1) * stride);
        size--;
    }

    /** The word holding port, flags and minute: the record itself for IPv4, the third word for IPv6. */
    long tail(int index) {
        return records[index * stride + stride - 1];
    }

    void setTail(int index, long tail) {
        records[index * stride + stride - 1] = tail;
    }

    /** Copies the whole record at {@code index} to {@code out} at peer position {@code outIndex}. */
    void copyTo(int index, long[] out, int outIndex) {
        System.arraycopy(records, index * stride, out, outIndex * stride, stride);
    }

    long word(int index, int word) {
        return records[index * stride + word];
    }

    /** Drops peers not seen for more than {@code timeoutMinutes}; returns how many. */
    int expire(int nowMinute, int cleanedMinute, int timeoutMinutes) {
        int kept = 0;
        for (int i = 0; i < size; i++) {
            if (PeerRecord.ageMinutes(tail(i), nowMinute, cleanedMinute) <= timeoutMinutes) {
                if (kept != i) {
                    System.arraycopy(records, i * stride, records, kept * stride, stride);
                }
                kept++;
            }
        }
        int removed = size - kept;
        size = kept;
        shrinkIfSparse();
        return removed;
    }

    private void shrinkIfSparse() {
        int capacity = records.length / stride;
        if (capacity > 8 && size < capacity / 4) {
            records = Arrays.copyOf(records, Math.max(INITIAL_PEERS, size * 2) * stride);
        }
    }
}
