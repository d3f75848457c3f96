package dev.kubetracker.worker.swarm;

/**
 * The recent {@code stopped} peers of one store shard: a fixed ring of {@link #CAPACITY} entries (hash,
 * peer key, minute), the oldest overwritten first, so it costs the same whatever clients send. A
 * sibling that missed a {@code stopped} learns it from here in anti-entropy: a tombstone strictly newer
 * than a peer's last announce removes the peer. Guarded by its shard's lock; allocated on the shard's
 * first {@code stopped}.
 */
final class Tombstones {
    static final int CAPACITY = 32;
    private static final int EMPTY = 0; // a port is never 0, so port-and-family 0 marks a free slot

    private final long[] hashHigh = new long[CAPACITY];
    private final long[] hashMiddle = new long[CAPACITY];
    private final int[] hashLow = new int[CAPACITY];
    private final long[] addressHigh = new long[CAPACITY];
    private final long[] addressLow = new long[CAPACITY];
    /** port << 8 | family. */
    private final int[] portAndFamily = new int[CAPACITY];
    private final int[] minute = new int[CAPACITY];
    private int next;

    /** Bytes a shard's ring takes once allocated (for the store's account). */
    static final long BYTES = HeapLayout.objectBytes(4, 7) + 4L * HeapLayout.longArrayBytes(CAPACITY)
            + 3L * HeapLayout.intArrayBytes(CAPACITY);

    /** Records (or moves forward) the peer's tombstone. For IPv4 {@code high} is the address, {@code low} 0. */
    void add(long h, long m, int l, int family, long high, long low, int port, int atMinute) {
        int slot = find(h, m, l, family, high, low, port);
        if (slot >= 0) {
            minute[slot] = Math.max(minute[slot], atMinute);
            return;
        }
        slot = next;
        next = (next + 1) % CAPACITY;
        hashHigh[slot] = h;
        hashMiddle[slot] = m;
        hashLow[slot] = l;
        addressHigh[slot] = high;
        addressLow[slot] = low;
        portAndFamily[slot] = key(family, port);
        minute[slot] = atMinute;
    }

    /** Forgets the peer's tombstone: it announced again. */
    void clear(long h, long m, int l, int family, long high, long low, int port) {
        int slot = find(h, m, l, family, high, low, port);
        if (slot >= 0) {
            portAndFamily[slot] = EMPTY;
        }
    }

    /** The minute of the peer's tombstone, or {@code Integer.MIN_VALUE} when it has none. */
    int minuteOf(long h, long m, int l, int family, long high, long low, int port) {
        int slot = find(h, m, l, family, high, low, port);
        return slot < 0 ? Integer.MIN_VALUE : minute[slot];
    }

    /** Visits every tombstone younger than {@code maxAge} minutes, with its age (flags 0). */
    void forEach(int nowMinute, int maxAge, PeerVisitor visitor) {
        for (int slot = 0; slot < CAPACITY; slot++) {
            int age = nowMinute - minute[slot];
            if (portAndFamily[slot] == EMPTY || age > maxAge) {
                continue;
            }
            int family = portAndFamily[slot] & 0xFF;
            boolean v6 = family == 6;
            visitor.visit(hashHigh[slot], hashMiddle[slot], hashLow[slot], family,
                    v6 ? 0 : (int) addressHigh[slot], v6 ? addressHigh[slot] : 0, v6 ? addressLow[slot] : 0,
                    portAndFamily[slot] >>> 8, 0, Math.max(0, age));
        }
    }

    /** Whether every tombstone is older than {@code maxAge} minutes: then none can matter any more. */
    boolean allOlderThan(int nowMinute, int maxAge) {
        for (int slot = 0; slot < CAPACITY; slot++) {
            if (portAndFamily[slot] != EMPTY && nowMinute - minute[slot] <= maxAge) {
                return false;
            }
        }
        return true;
    }

    private int find(long h, long m, int l, int family, long high, long low, int port) {
        int key = key(family, port);
        for (int slot = 0; slot < CAPACITY; slot++) {
            if (portAndFamily[slot] == key && hashHigh[slot] == h && hashMiddle[slot] == m && hashLow[slot] == l
                    && addressHigh[slot] == high && addressLow[slot] == low) {
                return slot;
            }
        }
        return -1;
    }

    private static int key(int family, int port) {
        return (port & 0xFFFF) << 8 | family;
    }
}
