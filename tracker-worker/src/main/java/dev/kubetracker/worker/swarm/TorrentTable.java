package dev.kubetracker.worker.swarm;

/**
 * Open-addressing (linear probing) map from a 20-byte info hash, held in three primitive arrays, to
 * its {@link Swarm}. Deletion shifts the following entries back, so there are no tombstones. Not
 * thread-safe: one table per store shard.
 */
final class TorrentTable {
    private static final int INITIAL_CAPACITY = 16;

    private final long seed;
    private long[] keyHigh;
    private long[] keyMiddle;
    private int[] keyLow;
    private Swarm[] swarms;
    private int size;

    TorrentTable(long seed) {
        this.seed = seed;
        allocate(INITIAL_CAPACITY);
    }

    /** One slot: the hash in three primitive parts and a swarm reference. */
    private static final int SLOT_BYTES = 8 + 8 + 4 + HeapLayout.REFERENCE;
    /** The table object itself: a long, an int, four array references. */
    private static final int OBJECT_BYTES = HeapLayout.objectBytes(8 + 4, 4);

    int size() {
        return size;
    }

    /** What the table takes on the heap, swarms not included: its slots are allocated by capacity. */
    long bytes() {
        return bytesAt(swarms.length);
    }

    /** What adding one more torrent would add to {@link #bytes()}: the growth of the slot arrays, if due. */
    long bytesToAddOne() {
        return needsGrowth() ? bytesAt(grown(swarms.length)) - bytes() : 0;
    }

    private static long bytesAt(int capacity) {
        return OBJECT_BYTES + 2 * HeapLayout.longArrayBytes(capacity) + HeapLayout.intArrayBytes(capacity)
                + HeapLayout.referenceArrayBytes(capacity);
    }

    private boolean needsGrowth() {
        return (size + 1) * 4 > swarms.length * 3;
    }

    /**
     * Capacities grow by half, not double, and need not be powers of two (slots are found by scaling the
     * hash, not masking it): a table then stays between half and three quarters full instead of between
     * three eighths and three quarters, and its slots are most of a small torrent's memory.
     */
    private static int grown(int capacity) {
        return capacity + capacity / 2;
    }

    /**
     * Halves the slot arrays while fewer than an eighth of the slots are used (after a flood of
     * torrents has expired, say), so the table gives back what it no longer needs.
     */
    void shrinkIfSparse() {
        int capacity = swarms.length;
        while (capacity > INITIAL_CAPACITY && size * 8 < capacity) {
            capacity = Math.max(INITIAL_CAPACITY, capacity * 2 / 3);
        }
        if (capacity != swarms.length) {
            rehash(capacity);
        }
    }

    int capacity() {
        return swarms.length;
    }

    /** Slot {@code i}'s swarm, or null; for iteration over {@code 0..capacity()-1}. */
    Swarm swarmAt(int slot) {
        return swarms[slot];
    }

    long highAt(int slot) {
        return keyHigh[slot];
    }

    long middleAt(int slot) {
        return keyMiddle[slot];
    }

    int lowAt(int slot) {
        return keyLow[slot];
    }

    Swarm get(long high, long middle, int low) {
        int slot = find(high, middle, low);
        return slot >= 0 ? swarms[slot] : null;
    }

    /**
     * Reads, without the shard's lock, the slots and the swarm a lookup of the key will read. A scrape of
     * many hashes does this for all of them before it looks each one up under its shard's lock: these reads
     * do not wait on one another, so their cache misses overlap, where each lookup alone waits for its slot,
     * then for its swarm. The reads may race a writer (never past an array's end); the answer, a count or 0,
     * only keeps them from being optimised away.
     */
    int prefetch(long high, long middle, int low) {
        long[] highs = keyHigh;
        long[] middles = keyMiddle;
        int[] lows = keyLow;
        Swarm[] slots = swarms;
        int capacity = slots.length;
        if (highs.length != capacity || middles.length != capacity || lows.length != capacity) {
            return 0; // read between a rehash's array swaps
        }
        int slot = find(highs, middles, lows, slots, high, middle, low);
        Swarm swarm = slot >= 0 ? slots[slot] : null;
        return swarm != null ? swarm.downloaded : 0; // a racing writer may have emptied the slot since
    }

    Swarm getOrCreate(long high, long middle, int low) {
        int slot = find(high, middle, low);
        if (slot >= 0) {
            return swarms[slot];
        }
        if (needsGrowth()) {
            rehash(grown(swarms.length));
            slot = find(high, middle, low);
        }
        slot = -slot - 1;
        Swarm swarm = new Swarm();
        keyHigh[slot] = high;
        keyMiddle[slot] = middle;
        keyLow[slot] = low;
        swarms[slot] = swarm;
        size++;
        return swarm;
    }

    void remove(long high, long middle, int low) {
        int slot = find(high, middle, low);
        if (slot >= 0) {
            removeAt(slot);
        }
    }

    /** Decides, for each torrent of a table walk, whether it goes. */
    @FunctionalInterface
    interface Doom {
        boolean test(long high, long middle, int low, Swarm swarm);
    }

    /**
     * Visits every entry once and removes those {@code doom} selects. (An entry shifted back into a
     * removed slot is looked at in that slot; one shifted across the array's end may be seen twice, so
     * {@code doom} must give the same answer twice.)
     */
    void removeIf(Doom doom) {
        int slot = 0;
        while (slot < swarms.length) {
            Swarm swarm = swarms[slot];
            if (swarm != null && doom.test(keyHigh[slot], keyMiddle[slot], keyLow[slot], swarm) && removeAt(slot)) {
                continue; // another entry moved into this slot: look at it too
            }
            slot++;
        }
    }

    /**
     * Removes the entry at {@code slot} and shifts later entries of the probe run back. Returns true
     * when an entry was moved into {@code slot}, so an iterating caller must look at it again.
     */
    boolean removeAt(int slot) {
        int capacity = swarms.length;
        int hole = slot;
        boolean movedIntoSlot = false;
        int i = next(hole, capacity);
        while (swarms[i] != null) {
            int home = homeSlot(keyHigh[i], keyMiddle[i], keyLow[i], capacity);
            // Move i into the hole when its home does not lie cyclically in (hole, i].
            if (distance(home, i, capacity) >= distance(hole, i, capacity)) {
                move(i, hole);
                if (hole == slot) {
                    movedIntoSlot = true;
                }
                hole = i;
            }
            i = next(i, capacity);
        }
        swarms[hole] = null;
        size--;
        return movedIntoSlot;
    }

    private void move(int from, int to) {
        keyHigh[to] = keyHigh[from];
        keyMiddle[to] = keyMiddle[from];
        keyLow[to] = keyLow[from];
        swarms[to] = swarms[from];
    }

    /** Slot of the key, or {@code -(free slot) - 1}. */
    private int find(long high, long middle, int low) {
        return find(keyHigh, keyMiddle, keyLow, swarms, high, middle, low);
    }

    /**
     * Slot of the key in these arrays (of one capacity), or {@code -(slot where the probe stopped) - 1}. The
     * probe stops at a free slot, which a table at most three quarters full always has; the bound of one pass
     * over the slots is for {@link #prefetch}, whose reads race writers and could meet no free slot.
     */
    private int find(long[] highs, long[] middles, int[] lows, Swarm[] slots, long high, long middle, int low) {
        int capacity = slots.length;
        int i = homeSlot(high, middle, low, capacity);
        for (int probes = 0; probes < capacity && slots[i] != null; probes++) {
            if (highs[i] == high && middles[i] == middle && lows[i] == low) {
                return i;
            }
            i = next(i, capacity);
        }
        return -i - 1;
    }

    /** The slot a key's probe run starts at: its mix scaled to the capacity. */
    private int homeSlot(long high, long middle, int low, int capacity) {
        return (int) (((slotOf(high, middle, low) & 0xFFFF_FFFFL) * capacity) >>> 32);
    }

    private static int next(int slot, int capacity) {
        return slot + 1 == capacity ? 0 : slot + 1;
    }

    /** Steps from {@code from} forward to {@code to}, wrapping at the end. */
    private static int distance(int from, int to, int capacity) {
        return to >= from ? to - from : to - from + capacity;
    }

    /**
     * Keyed mix of the hash: clients choose info hashes freely, so an unkeyed slot function would let
     * one client pile torrents into one probe run.
     */
    int slotOf(long high, long middle, int low) {
        return (int) mix(high ^ seed, middle, low);
    }

    static long mix(long a, long b, int c) {
        long h = a * 0x9E3779B97F4A7C15L + b;
        h = (h ^ (h >>> 32)) * 0xD6E8FEB86659FD93L + c;
        h = (h ^ (h >>> 32)) * 0xD6E8FEB86659FD93L;
        return h ^ (h >>> 32);
    }

    private void rehash(int newCapacity) {
        long[] oldHigh = keyHigh;
        long[] oldMiddle = keyMiddle;
        int[] oldLow = keyLow;
        Swarm[] oldSwarms = swarms;
        allocate(newCapacity);
        for (int i = 0; i < oldSwarms.length; i++) {
            if (oldSwarms[i] != null) {
                int slot = -find(oldHigh[i], oldMiddle[i], oldLow[i]) - 1;
                keyHigh[slot] = oldHigh[i];
                keyMiddle[slot] = oldMiddle[i];
                keyLow[slot] = oldLow[i];
                swarms[slot] = oldSwarms[i];
            }
        }
    }

    private void allocate(int capacity) {
        keyHigh = new long[capacity];
        keyMiddle = new long[capacity];
        keyLow = new int[capacity];
        swarms = new Swarm[capacity];
    }
}
