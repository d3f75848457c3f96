package dev.kubetracker.worker.swarm;

import java.util.Arrays;

/**
 * A reusable table of torrent rows (hash and counts) copied out of one store shard, so that callers
 * (full scrape, stats) can sort and format them without holding the shard's lock.
 */
public final class TorrentRows implements TorrentVisitor {
    private long[] high;
    private long[] middle;
    private int[] low;
    private int[] seeders;
    private int[] leechers;
    private int[] downloaded;
    private int size;

    public TorrentRows() {
        this(64);
    }

    public TorrentRows(int expectedRows) {
        int n = Math.max(16, expectedRows);
        high = new long[n];
        middle = new long[n];
        low = new int[n];
        seeders = new int[n];
        leechers = new int[n];
        downloaded = new int[n];
    }

    public void clear() {
        size = 0;
    }

    public int size() {
        return size;
    }

    @Override
    public void visit(long h, long m, int l, int s, int le, int d) {
        if (size == high.length) {
            int n = size * 2;
            high = Arrays.copyOf(high, n);
            middle = Arrays.copyOf(middle, n);
            low = Arrays.copyOf(low, n);
            seeders = Arrays.copyOf(seeders, n);
            leechers = Arrays.copyOf(leechers, n);
            downloaded = Arrays.copyOf(downloaded, n);
        }
        high[size] = h;
        middle[size] = m;
        low[size] = l;
        seeders[size] = s;
        leechers[size] = le;
        downloaded[size] = d;
        size++;
    }

    /** Keeps only the rows whose hash {@code keep} accepts, in their order. */
    public void retain(InfoHashPredicate keep) {
        int kept = 0;
        for (int row = 0; row < size; row++) {
            if (!keep.test(high[row], middle[row], low[row])) {
                continue;
            }
            if (kept != row) {
                high[kept] = high[row];
                middle[kept] = middle[row];
                low[kept] = low[row];
                seeders[kept] = seeders[row];
                leechers[kept] = leechers[row];
                downloaded[kept] = downloaded[row];
            }
            kept++;
        }
        size = kept;
    }

    public long high(int row) {
        return high[row];
    }

    public long middle(int row) {
        return middle[row];
    }

    public int low(int row) {
        return low[row];
    }

    public int seeders(int row) {
        return seeders[row];
    }

    public int leechers(int row) {
        return leechers[row];
    }

    public int downloaded(int row) {
        return downloaded[row];
    }

    /** Sorts the rows by info hash, as unsigned bytes (the order bencode wants for dictionary keys). */
    public void sortByHash() {
        quicksort(0, size - 1);
    }

    private void quicksort(int from, int to) {
        while (from < to) {
            int pivot = (from + to) >>> 1;
            long ph = high[pivot];
            long pm = middle[pivot];
            int pl = low[pivot];
            int i = from;
            int j = to;
            while (i <= j) {
                while (compare(i, ph, pm, pl) < 0) {
                    i++;
                }
                while (compare(j, ph, pm, pl) > 0) {
                    j--;
                }
                if (i <= j) {
                    swap(i++, j--);
                }
            }
            // Recurse into the smaller side, loop on the larger: stack depth stays logarithmic.
            if (j - from < to - i) {
                quicksort(from, j);
                from = i;
            } else {
                quicksort(i, to);
                to = j;
            }
        }
    }

    private int compare(int row, long h, long m, int l) {
        int c = Long.compareUnsigned(high[row], h);
        if (c == 0) {
            c = Long.compareUnsigned(middle[row], m);
        }
        return c != 0 ? c : Integer.compareUnsigned(low[row], l);
    }

    private void swap(int a, int b) {
        long t = high[a]; high[a] = high[b]; high[b] = t;
        t = middle[a]; middle[a] = middle[b]; middle[b] = t;
        int u = low[a]; low[a] = low[b]; low[b] = u;
        u = seeders[a]; seeders[a] = seeders[b]; seeders[b] = u;
        u = leechers[a]; leechers[a] = leechers[b]; leechers[b] = u;
        u = downloaded[a]; downloaded[a] = downloaded[b]; downloaded[b] = u;
    }
}
