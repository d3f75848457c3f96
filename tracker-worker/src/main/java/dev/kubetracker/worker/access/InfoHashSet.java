package dev.kubetracker.worker.access;

import dev.kubetracker.worker.swarm.TorrentRows;

/**
 * An immutable set of info hashes, packed in three sorted primitive arrays (20 bytes per hash, no
 * object per entry) and searched by binary search: a million entries take 20 MB and a lookup about
 * twenty comparisons. Safe to share between threads once built.
 */
public final class InfoHashSet {
    public static final InfoHashSet EMPTY = new InfoHashSet(new long[0], new long[0], new int[0]);

    private final long[] high;
    private final long[] middle;
    private final int[] low;

    private InfoHashSet(long[] high, long[] middle, int[] low) {
        this.high = high;
        this.middle = middle;
        this.low = low;
    }

    /** Builds the set from the rows' hashes (the rows are sorted in place; duplicates are kept once). */
    public static InfoHashSet of(TorrentRows rows) {
        rows.sortByHash();
        long[] h = new long[rows.size()];
        long[] m = new long[rows.size()];
        int[] l = new int[rows.size()];
        int n = 0;
        for (int i = 0; i < rows.size(); i++) {
            if (n > 0 && h[n - 1] == rows.high(i) && m[n - 1] == rows.middle(i) && l[n - 1] == rows.low(i)) {
                continue;
            }
            h[n] = rows.high(i);
            m[n] = rows.middle(i);
            l[n] = rows.low(i);
            n++;
        }
        if (n < h.length) {
            h = java.util.Arrays.copyOf(h, n);
            m = java.util.Arrays.copyOf(m, n);
            l = java.util.Arrays.copyOf(l, n);
        }
        return new InfoHashSet(h, m, l);
    }

    public int size() {
        return high.length;
    }

    /**
     * SHA-256 of the set, lower-case hex: the hashes' 20 bytes each, in ascending (unsigned) order, which
     * is the digest of the sorted, de-duplicated lines' binary form. Equal sets have equal digests,
     * however their files were split, ordered or compressed.
     */
    public String digest() {
        java.security.MessageDigest sha256;
        try {
            sha256 = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        java.nio.ByteBuffer entry = java.nio.ByteBuffer.allocate(20);
        for (int i = 0; i < high.length; i++) {
            entry.clear();
            entry.putLong(high[i]).putLong(middle[i]).putInt(low[i]).flip();
            sha256.update(entry);
        }
        return java.util.HexFormat.of().formatHex(sha256.digest());
    }

    public boolean contains(long h, long m, int l) {
        int lo = 0;
        int hi = high.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = Long.compareUnsigned(high[mid], h);
            if (c == 0) {
                c = Long.compareUnsigned(middle[mid], m);
                if (c == 0) {
                    c = Integer.compareUnsigned(low[mid], l);
                }
            }
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return true;
            }
        }
        return false;
    }
}
