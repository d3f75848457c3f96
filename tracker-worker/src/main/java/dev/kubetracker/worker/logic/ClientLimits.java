package dev.kubetracker.worker.logic;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Per-client rate limits in fixed memory, whatever the number of clients: requests (announces and
 * scrapes) per second and new torrents per minute, each with a burst of one period's worth. A client is
 * an IPv4 address or an IPv6 /64 ({@link #keyOf}).
 *
 * <p>Each limit is the generic cell rate algorithm: one "theoretical arrival time" per client and
 * limit, no counters to reset, no timers. The table is set-associative (four entries a set, sets
 * chosen by a keyed mix so crafted addresses cannot aim at one set); a newcomer takes the entry of its
 * set that has recharged the most, and an entry that has fully recharged is as good as empty. So an
 * attacker with many addresses can push honest clients out of the table, which only gives them a fresh
 * allowance; what protects memory then is the store's budget.
 *
 * <p>Thread-safe: a lock per stripe of sets, held for a few array reads and writes.
 */
public final class ClientLimits {
    private static final int WAYS = 4;
    private static final int STRIPES = 256;
    private static final long SECOND = 1_000_000_000L;
    private static final long MINUTE = 60 * SECOND;

    private final long[] keys;
    private final long[] requestAt;
    private final long[] torrentAt;
    private final int[] refusals;
    private final Object[] locks = new Object[STRIPES];
    private final int setMask;
    private final long seed = new SecureRandom().nextLong();
    private final long requestInterval;
    private final long requestTolerance;
    private final long torrentInterval;
    private final long torrentTolerance;
    private final LongSupplier nanos;
    private final long origin;

    /**
     * @param requestsPerSecond announces and scrapes a client may make per second (0: no limit)
     * @param newTorrentsPerMinute torrents a client may create per minute (0: no limit)
     * @param clients entries in the table (rounded up to a power of two, at least 4)
     */
    public ClientLimits(int requestsPerSecond, int newTorrentsPerMinute, int clients, LongSupplier nanos) {
        if (requestsPerSecond < 0 || newTorrentsPerMinute < 0 || clients < 1) {
            throw new IllegalArgumentException("limits must not be negative, and the table needs a client");
        }
        // Without limits nothing is looked up: keep one set, not a table nobody reads.
        boolean limited = requestsPerSecond > 0 || newTorrentsPerMinute > 0;
        int entries = limited ? Math.max(WAYS, Integer.highestOneBit(Math.max(1, clients - 1)) << 1) : WAYS;
        keys = new long[entries];
        requestAt = new long[entries];
        torrentAt = new long[entries];
        refusals = new int[entries];
        setMask = entries / WAYS - 1;
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new Object();
        }
        requestInterval = requestsPerSecond == 0 ? 0 : SECOND / requestsPerSecond;
        requestTolerance = requestInterval * Math.max(0, requestsPerSecond - 1);
        torrentInterval = newTorrentsPerMinute == 0 ? 0 : MINUTE / newTorrentsPerMinute;
        torrentTolerance = torrentInterval * Math.max(0, newTorrentsPerMinute - 1);
        this.nanos = nanos;
        // Times are kept from a little before the start, so zero (an untouched entry) is long recharged.
        this.origin = nanos.getAsLong() - 2 * MINUTE;
    }

    /** No limits: every request and torrent is allowed, nothing is kept. */
    public static ClientLimits none() {
        return new ClientLimits(0, 0, WAYS, System::nanoTime);
    }

    /** The client of an IPv4 address, or of an IPv6 address's /64 (one subscriber's usual share). */
    public static long keyOf(int family, int address4, long address6High) {
        return family == 6 ? address6High : 0x0000_FFFF_0000_0000L | (address4 & 0xFFFF_FFFFL);
    }

    /** {@link #admit}: over the request limit; refused and counted. */
    public static final int REFUSED = 0;
    /** {@link #admit}: the request is allowed, but it may not create a torrent. */
    public static final int NO_NEW_TORRENT = 1;
    /** {@link #admit}: the request is allowed and may create a torrent ({@link #torrentCreated} then). */
    public static final int ALLOWED = 2;

    /**
     * Takes one request from the client's allowance and says whether it may also create a torrent: one
     * of {@link #REFUSED}, {@link #NO_NEW_TORRENT}, {@link #ALLOWED}.
     */
    public int admit(long client) {
        if (requestInterval == 0 && torrentInterval == 0) {
            return ALLOWED;
        }
        long now = now();
        synchronized (lockOf(client)) {
            int entry = entryOf(client, now);
            if (requestInterval > 0) {
                long at = Math.max(requestAt[entry], now);
                if (at - now > requestTolerance) {
                    countRefusal(entry);
                    return REFUSED;
                }
                requestAt[entry] = at + requestInterval;
            }
            if (torrentInterval > 0 && Math.max(torrentAt[entry], now) - now > torrentTolerance) {
                return NO_NEW_TORRENT;
            }
            return ALLOWED;
        }
    }

    /** A refusal for a torrent the client was not allowed to create, counted against it. */
    public void torrentRefused(long client) {
        if (torrentInterval == 0) {
            return;
        }
        synchronized (lockOf(client)) {
            countRefusal(entryOf(client, now()));
        }
    }

    public void torrentCreated(long client) {
        if (torrentInterval == 0) {
            return;
        }
        long now = now();
        synchronized (lockOf(client)) {
            int entry = entryOf(client, now);
            torrentAt[entry] = Math.max(torrentAt[entry], now) + torrentInterval;
        }
    }

    /** A client and how often it was refused while it held its entry. */
    public record Refused(long client, int refusals) {
    }

    /** The clients refused most often, most first: at most {@code limit}, from the table as it is. */
    public List<Refused> mostRefused(int limit) {
        List<Refused> all = new ArrayList<>();
        long now = now();
        for (int entry = 0; entry < keys.length; entry++) {
            synchronized (locks[(entry / WAYS) & (STRIPES - 1)]) {
                if (refusals[entry] > 0 && !recharged(entry, now)) {
                    all.add(new Refused(keys[entry], refusals[entry]));
                }
            }
        }
        all.sort(Comparator.comparingInt(Refused::refusals).reversed());
        return all.subList(0, Math.min(limit, all.size()));
    }

    private long now() {
        return nanos.getAsLong() - origin;
    }

    private int setOf(long client) {
        long h = (client ^ seed) * 0x9E3779B97F4A7C15L;
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        return (int) (h ^ (h >>> 32)) & setMask;
    }

    private Object lockOf(long client) {
        return locks[setOf(client) & (STRIPES - 1)];
    }

    /** The client's entry in its set, or the set's most recharged entry, handed over to the client. */
    private int entryOf(long client, long now) {
        int first = setOf(client) * WAYS;
        int victim = first;
        long victimAt = Long.MAX_VALUE;
        for (int entry = first; entry < first + WAYS; entry++) {
            if (keys[entry] == client) {
                return entry;
            }
            long at = Math.max(requestAt[entry], torrentAt[entry]);
            if (at < victimAt) {
                victim = entry;
                victimAt = at;
            }
        }
        keys[victim] = client;
        requestAt[victim] = 0;
        torrentAt[victim] = 0;
        refusals[victim] = 0;
        return victim;
    }

    /** Counts up to the int's bound and stays there: the heaviest client never wraps out of the list. */
    private void countRefusal(int entry) {
        if (refusals[entry] < Integer.MAX_VALUE) {
            refusals[entry]++;
        }
    }

    private boolean recharged(int entry, long now) {
        return requestAt[entry] <= now && torrentAt[entry] <= now;
    }
}
