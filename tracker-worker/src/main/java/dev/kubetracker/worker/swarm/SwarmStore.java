package dev.kubetracker.worker.swarm;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * All torrents and peers, in RAM, striped into shards by info hash; each shard has its own lock
 * (as opentracker's 1024 stripes), so announces to different torrents rarely wait on each other.
 *
 * <p>A torrent's shard is the top bits of its hash, so shard 0, 1, 2... hold ascending ranges of
 * hashes and a full scrape comes out in hash order by sorting each shard alone. (Crafted hashes can
 * crowd one shard's lock, but not its table: slots within a shard come from a keyed mix.)
 *
 * <p>The store accounts the heap bytes it holds (tables, swarm objects, peer arrays with their slack;
 * {@link HeapLayout}) shard by shard, under the shard's lock, and in one total that changes only when
 * memory does (a new torrent, an array that grows or shrinks; never a plain re-announce). It may be given
 * a budget: past it, new torrents and new peers that need memory are refused ({@link Outcome#FULL})
 * while known peers, {@code stopped}, scrapes and expiry go on. The budget is the store's as a whole,
 * not a share per shard: one swarm of a hundred thousand peers may hold more than a shard's share.
 */
public final class SwarmStore {
    /** Peers age in 8-bit minutes ({@link PeerRecord}); a longer timeout would wrap. */
    public static final int MAX_PEER_TIMEOUT_MINUTES = 240;

    private final Shard[] shards;
    private final int shardBits;
    private final long seed;
    private final int peerTimeoutMinutes;
    private final MinuteClock clock;
    private final int maxTorrentsPerShard;
    private final long budget;
    /** Bytes held by all shards: changed only when a shard's bytes change, never on a plain re-announce. */
    private final AtomicLong bytes = new AtomicLong();
    private final int retentionMinutes;
    private volatile InfoHashPredicate admission = (h, m, l) -> true;

    private static final class Shard {
        final TorrentTable table;
        int seeders;
        int leechers;
        long completed;
        /** Heap bytes of the table and every swarm in it. */
        long bytes;
        final ShardDigest digest = new ShardDigest();
        /** Recent stopped peers; allocated on the first. */
        Tombstones tombstones;

        Shard(long seed) {
            table = new TorrentTable(seed);
            bytes = table.bytes();
        }
    }

    /** A store without a torrent cap that keeps the counts of peerless torrents for a day. */
    public SwarmStore(int shardCount, int peerTimeoutMinutes, MinuteClock clock) {
        this(shardCount, peerTimeoutMinutes, 0, 24 * 60, clock);
    }

    /**
     * @param maxTorrents most torrents held (0: no limit), enforced per shard as an even share, so no
     *     global counter is needed; past it, announces for new torrents are refused
     * @param retentionMinutes how long a torrent whose last peer left keeps its download count
     */
    public SwarmStore(int shardCount, int peerTimeoutMinutes, long maxTorrents, int retentionMinutes,
                      MinuteClock clock) {
        this(shardCount, peerTimeoutMinutes, maxTorrents, 0, retentionMinutes, clock);
    }

    /**
     * @param budgetBytes most heap bytes the store may hold (0: no limit), shared evenly by the shards;
     *     past it, new torrents and new peers are refused
     */
    public SwarmStore(int shardCount, int peerTimeoutMinutes, long maxTorrents, long budgetBytes,
                      int retentionMinutes, MinuteClock clock) {
        if (Integer.bitCount(shardCount) != 1) {
            throw new IllegalArgumentException("shard count must be a power of two: " + shardCount);
        }
        if (peerTimeoutMinutes < 1 || peerTimeoutMinutes > MAX_PEER_TIMEOUT_MINUTES) {
            throw new IllegalArgumentException("peer timeout must be 1 to " + MAX_PEER_TIMEOUT_MINUTES
                    + " minutes: " + peerTimeoutMinutes);
        }
        this.seed = new SecureRandom().nextLong();
        this.shards = new Shard[shardCount];
        for (int i = 0; i < shardCount; i++) {
            shards[i] = new Shard(seed);
        }
        this.shardBits = Integer.numberOfTrailingZeros(shardCount);
        this.peerTimeoutMinutes = peerTimeoutMinutes;
        this.clock = clock;
        this.retentionMinutes = retentionMinutes;
        this.maxTorrentsPerShard = maxTorrents <= 0 ? Integer.MAX_VALUE
                : (int) Math.min(Integer.MAX_VALUE, (maxTorrents + shardCount - 1) / shardCount);
        this.budget = budgetBytes <= 0 ? Long.MAX_VALUE : budgetBytes;
        for (Shard shard : shards) {
            bytes.addAndGet(shard.bytes);
        }
    }

    /** Which torrents may be stored; checked under the shard lock, so a reload's sweep cannot be overtaken. */
    public void setAdmission(InfoHashPredicate admission) {
        this.admission = admission;
    }

    /** What {@link #announce} did. */
    public enum Outcome {
        /** Applied (or a {@code stopped} for a peer that was not there). */
        ACCEPTED,
        /** The admission predicate (the access list) refuses the torrent. */
        REFUSED,
        /** No room: a new torrent or peer past the budget, or a new torrent past the torrent cap. */
        FULL,
        /** A new torrent that the announce may not create ({@link Announce#mayCreateTorrent}). */
        LIMITED
    }

    public int shardCount() {
        return shards.length;
    }

    public int peerTimeoutMinutes() {
        return peerTimeoutMinutes;
    }

    private Shard shardOf(long high) {
        return shards[shardIndexOf(high)];
    }

    /** The shard holding hashes whose first 8 bytes are {@code high}. */
    public int shardIndexOf(long high) {
        return shardBits == 0 ? 0 : (int) (high >>> (64 - shardBits));
    }

    /**
     * Records the announce and fills {@code out} with the swarm's counts and peers for the requester.
     * Refuses torrents the admission predicate (the access list) rejects, and new torrents past the cap.
     */
    public Outcome announce(Announce a, AnnounceReply out) {
        out.clear();
        int now = clock.nowMinute();
        InfoHash h = a.infoHash;
        Shard shard = shardOf(h.high);
        synchronized (shard) {
            if (!admission.test(h.high, h.middle, h.low)) {
                return Outcome.REFUSED;
            }
            TorrentTable table = shard.table;
            long tableBytes = table.bytes();
            long swarmBytes = 0;
            Swarm swarm = table.get(h.high, h.middle, h.low);
            if (swarm == null) {
                if (a.event == Announce.Event.STOPPED) {
                    return Outcome.ACCEPTED;
                }
                if (!a.mayCreateTorrent) {
                    return Outcome.LIMITED;
                }
                if (table.size() >= maxTorrentsPerShard
                        || !hasRoom(table.bytesToAddOne() + Swarm.newSwarmBytes(a.family == 6))) {
                    return Outcome.FULL;
                }
                swarm = table.getOrCreate(h.high, h.middle, h.low);
                out.createdTorrent = true;
            } else {
                swarmBytes = swarm.bytes();
            }
            int seeders = swarm.seeders();
            int leechers = swarm.leechers();
            int downloaded = swarm.downloaded;
            if (swarm.cleanedMinute != now) {
                swarm.expire(now, peerTimeoutMinutes, shard.digest, h.high, h.middle, h.low);
            }
            boolean applied = swarm.announce(a, now, out, hasRoom(swarm.bytesToAddPeer(a.family == 6)), shard.digest);
            if (applied) {
                swarm.lastActiveMinute = now;
                noteTombstone(shard, a, now);
            }
            settle(shard, h.high, h.middle, h.low, swarm, seeders, leechers, downloaded, tableBytes, swarmBytes);
            return applied ? Outcome.ACCEPTED : Outcome.FULL;
        }
    }

    /**
     * After a change to {@code swarm} (under the shard's lock): moves the shard's counts and bytes by what
     * it changed, and drops the torrent when it has neither peers nor a download count.
     */
    private void settle(Shard shard, long h, long m, int l, Swarm swarm, int seeders, int leechers, int downloaded,
                        long tableBytes, long swarmBytes) {
        TorrentTable table = shard.table;
        shard.seeders += swarm.seeders() - seeders;
        shard.leechers += swarm.leechers() - leechers;
        shard.completed += swarm.downloaded - downloaded;
        shard.digest.changeCount(h, m, l, downloaded, swarm.downloaded);
        if (swarm.isEmpty() && swarm.downloaded == 0) {
            table.remove(h, m, l); // a peerless torrent with a count stays a while
            account(shard, table.bytes() - tableBytes - swarmBytes);
        } else {
            account(shard, table.bytes() - tableBytes + swarm.bytes() - swarmBytes);
        }
    }

    /** A stopped peer leaves a tombstone (for siblings that miss it); any other announce of it clears one. */
    private void noteTombstone(Shard shard, Announce a, int now) {
        InfoHash h = a.infoHash;
        boolean v6 = a.family == 6;
        long high = v6 ? a.address6High : a.address4 & 0xFFFF_FFFFL;
        long low = v6 ? a.address6Low : 0;
        if (a.event == Announce.Event.STOPPED) {
            tombstones(shard).add(h.high, h.middle, h.low, a.family, high, low, a.port, now);
        } else if (shard.tombstones != null) {
            shard.tombstones.clear(h.high, h.middle, h.low, a.family, high, low, a.port);
        }
    }

    private Tombstones tombstones(Shard shard) {
        if (shard.tombstones == null) {
            shard.tombstones = new Tombstones();
            account(shard, Tombstones.BYTES);
        }
        return shard.tombstones;
    }

    /** Whether {@code more} bytes fit in the budget now (threads racing past it overshoot by one growth each). */
    private boolean hasRoom(long more) {
        return more == 0 || bytes.get() + more <= budget;
    }

    /** Adds a change of a shard's bytes (under its lock) to the shard and to the store's total. */
    private void account(Shard shard, long delta) {
        if (delta != 0) {
            shard.bytes += delta;
            bytes.addAndGet(delta);
        }
    }

    /**
     * Raises a torrent's download count to {@code downloaded} (a sibling's snapshot), creating it if
     * allowed and there is room. Returns false when the torrent was new and there was no room for it.
     */
    public boolean mergeDownloaded(long high, long middle, int low, int downloaded) {
        Shard shard = shardOf(high);
        synchronized (shard) {
            TorrentTable table = shard.table;
            Swarm swarm = table.get(high, middle, low);
            if (swarm == null && downloaded > 0 && admission.test(high, middle, low)) {
                if (table.size() >= maxTorrentsPerShard || !hasRoom(table.bytesToAddOne() + Swarm.OBJECT_BYTES)) {
                    return false;
                }
                long tableBytes = table.bytes();
                swarm = table.getOrCreate(high, middle, low);
                swarm.lastActiveMinute = clock.nowMinute();
                account(shard, table.bytes() - tableBytes + swarm.bytes());
            }
            if (swarm != null && downloaded > swarm.downloaded) {
                shard.completed += downloaded - swarm.downloaded;
                shard.digest.changeCount(high, middle, low, swarm.downloaded, downloaded);
                swarm.downloaded = downloaded;
            }
            return true;
        }
    }

    /**
     * Brings what {@link #scrape} of the hash will read into the cache, without a lock; for scrapes of many
     * hashes, all of them first ({@link TorrentTable#prefetch}). The answer means nothing.
     */
    public int prefetch(long high, long middle, int low) {
        return shardOf(high).table.prefetch(high, middle, low);
    }

    /** Counts of one torrent; zeros when it is unknown. */
    public void scrape(long high, long middle, int low, ScrapeCounts out) {
        out.clear();
        Shard shard = shardOf(high);
        synchronized (shard) {
            Swarm swarm = shard.table.get(high, middle, low);
            if (swarm != null) {
                out.seeders = swarm.seeders();
                out.leechers = swarm.leechers();
                out.downloaded = swarm.downloaded;
            }
        }
    }

    /** Visits every torrent of one shard under that shard's lock; callers go shard by shard. */
    public void forEachTorrent(int shardIndex, TorrentVisitor visitor) {
        Shard shard = shards[shardIndex];
        synchronized (shard) {
            TorrentTable table = shard.table;
            for (int slot = 0; slot < table.capacity(); slot++) {
                Swarm swarm = table.swarmAt(slot);
                if (swarm != null) {
                    visitor.visit(table.highAt(slot), table.middleAt(slot), table.lowAt(slot),
                            swarm.seeders(), swarm.leechers(), swarm.downloaded);
                }
            }
        }
    }

    /** Visits every peer of one shard under that shard's lock (callers copy, then write elsewhere). */
    public void forEachPeer(int shardIndex, PeerVisitor visitor) {
        int now = clock.nowMinute();
        Shard shard = shards[shardIndex];
        synchronized (shard) {
            TorrentTable table = shard.table;
            for (int slot = 0; slot < table.capacity(); slot++) {
                Swarm swarm = table.swarmAt(slot);
                if (swarm != null) {
                    swarm.forEachPeer(now, visitor, table.highAt(slot), table.middleAt(slot), table.lowAt(slot));
                }
            }
        }
    }

    /** Copies one shard's torrents into {@code rows} (cleared first), sorted by hash. */
    public void copySortedShard(int shardIndex, TorrentRows rows) {
        rows.clear();
        forEachTorrent(shardIndex, rows);
        rows.sortByHash();
    }

    /** Drops every torrent the predicate selects, with its peers; returns how many torrents. */
    public long removeTorrents(InfoHashPredicate doomed) {
        long[] removed = {0};
        for (Shard shard : shards) {
            synchronized (shard) {
                long tableBytes = shard.table.bytes();
                shard.table.removeIf((h, m, l, swarm) -> {
                    if (!doomed.test(h, m, l)) {
                        return false;
                    }
                    shard.seeders -= swarm.seeders();
                    shard.leechers -= swarm.leechers();
                    swarm.toggleAll(shard.digest, h, m, l);
                    shard.digest.toggleCount(h, m, l, swarm.downloaded);
                    account(shard, -swarm.bytes());
                    removed[0]++;
                    return true;
                });
                shard.table.shrinkIfSparse();
                account(shard, shard.table.bytes() - tableBytes);
            }
        }
        return removed[0];
    }

    /** Removes peers past the timeout and torrents left without peers; returns the peers removed. */
    public long sweep() {
        int now = clock.nowMinute();
        long[] removed = {0};
        for (Shard shard : shards) {
            synchronized (shard) {
                long tableBytes = shard.table.bytes();
                shard.table.removeIf((h, m, l, swarm) -> {
                    int seeders = swarm.seeders();
                    int leechers = swarm.leechers();
                    long before = swarm.bytes();
                    removed[0] += swarm.expire(now, peerTimeoutMinutes, shard.digest, h, m, l);
                    shard.seeders += swarm.seeders() - seeders;
                    shard.leechers += swarm.leechers() - leechers;
                    boolean gone = swarm.isEmpty()
                            && (swarm.downloaded == 0 || now - swarm.lastActiveMinute > retentionMinutes);
                    if (gone) {
                        shard.digest.toggleCount(h, m, l, swarm.downloaded);
                    }
                    account(shard, (gone ? 0 : swarm.bytes()) - before);
                    return gone;
                });
                if (shard.tombstones != null && shard.tombstones.allOlderThan(now, peerTimeoutMinutes)) {
                    shard.tombstones = null; // the ring of a shard where nobody stopped for a while goes
                    account(shard, -Tombstones.BYTES);
                }
                shard.table.shrinkIfSparse();
                account(shard, shard.table.bytes() - tableBytes);
            }
        }
        return removed[0];
    }

    /** The digest of shard {@code shardIndex} ({@link ShardDigest}): equal on siblings that hold the same peers. */
    public long digest(int shardIndex) {
        Shard shard = shards[shardIndex];
        synchronized (shard) {
            return shard.digest.value;
        }
    }

    /** The digest computed afresh from the shard's peers: what {@link #digest} must equal (for tests). */
    public long recountDigest(int shardIndex) {
        ShardDigest fresh = new ShardDigest();
        forEachPeer(shardIndex, (h, m, l, family, address4, high, low, port, flags, age) -> fresh.toggle(h, m, l,
                family, family == 6 ? high : address4 & 0xFFFF_FFFFL, low, port, (flags & PeerRecord.SEEDER) != 0));
        forEachTorrent(shardIndex, (h, m, l, seeders, leechers, downloaded) -> fresh.toggleCount(h, m, l, downloaded));
        return fresh.value;
    }

    /** Visits the shard's tombstones (recent stopped peers) no older than the peer timeout, under its lock. */
    public void forEachTombstone(int shardIndex, PeerVisitor visitor) {
        int now = clock.nowMinute();
        Shard shard = shards[shardIndex];
        synchronized (shard) {
            if (shard.tombstones != null) {
                shard.tombstones.forEach(now, peerTimeoutMinutes, visitor);
            }
        }
    }

    /**
     * Merges a sibling's copy of shard {@code shardIndex} into this one, all under the shard's lock, so
     * readers see the shard before or after, never between (the merge rule: {@link ShardMerge}).
     */
    public ShardMerge merge(int shardIndex, PulledShard pulled) {
        Shard shard = shards[shardIndex];
        synchronized (shard) {
            ShardMerge merge = new ShardMerge(shard, clock.nowMinute());
            pulled.replayInto(merge);
            return merge;
        }
    }

    /**
     * One shard's merge with a sibling's copy, a state-based merge (commutative, idempotent): per peer,
     * the newer record wins ({@link Swarm#mergePeer}); peers on one side only are kept (union), unless a
     * tombstone of either side is strictly newer than the peer's newest last-seen minute. Download counts:
     * a COMPLETED learned from the sibling counts one here, then the larger of that and the sibling's count
     * wins, max(ours + completions only they knew, theirs), which repairs two workers that each lost a
     * different completion (a sibling's frame lists a shard's peers before its counts). Peers only the sibling holds obey the access list and the budget (refused and counted);
     * expired ones are skipped. Pulled tombstones join the local ring. Ages are relative minutes, so the
     * two clocks need not agree.
     */
    public final class ShardMerge {
        private final Shard shard;
        private final int now;
        private long added;
        private long removed;
        private long refused;

        private ShardMerge(Shard shard, int now) {
            this.shard = shard;
            this.now = now;
        }

        /** A sibling's peer; for IPv4 {@code address4} holds the address, for IPv6 {@code high} and {@code low}. */
        public void peer(long h, long m, int l, int family, int address4, long high, long low, int port, int flags,
                         int ageMinutes) {
            if (ageMinutes > peerTimeoutMinutes || shardOf(h) != shard) {
                return;
            }
            long addressHigh = family == 6 ? high : address4 & 0xFFFF_FFFFL;
            long addressLow = family == 6 ? low : 0;
            if (shard.tombstones != null
                    && shard.tombstones.minuteOf(h, m, l, family, addressHigh, addressLow, port) > now - ageMinutes) {
                return;
            }
            if (!admission.test(h, m, l)) {
                refused++;
                return;
            }
            TorrentTable table = shard.table;
            long tableBytes = table.bytes();
            long swarmBytes = 0;
            Swarm swarm = table.get(h, m, l);
            if (swarm == null) {
                if (table.size() >= maxTorrentsPerShard
                        || !hasRoom(table.bytesToAddOne() + Swarm.newSwarmBytes(family == 6))) {
                    refused++;
                    return;
                }
                swarm = table.getOrCreate(h, m, l);
                swarm.lastActiveMinute = now;
            } else {
                swarmBytes = swarm.bytes();
            }
            int seeders = swarm.seeders();
            int leechers = swarm.leechers();
            int downloaded = swarm.downloaded;
            if (swarm.cleanedMinute != now) {
                swarm.expire(now, peerTimeoutMinutes, shard.digest, h, m, l);
            }
            Swarm.Merge outcome = swarm.mergePeer(h, m, l, family, addressHigh, addressLow, port, flags, ageMinutes,
                    now, hasRoom(swarm.bytesToAddPeer(family == 6)), shard.digest);
            if (outcome == Swarm.Merge.ADDED) {
                added++;
            } else if (outcome == Swarm.Merge.REFUSED) {
                refused++;
            }
            settle(shard, h, m, l, swarm, seeders, leechers, downloaded, tableBytes, swarmBytes);
        }

        /** A sibling's tombstone: the peer stopped {@code ageMinutes} ago. */
        public void tombstone(long h, long m, int l, int family, int address4, long high, long low, int port,
                              int ageMinutes) {
            if (ageMinutes > peerTimeoutMinutes || shardOf(h) != shard) {
                return; // any peer it could beat has expired
            }
            long addressHigh = family == 6 ? high : address4 & 0xFFFF_FFFFL;
            long addressLow = family == 6 ? low : 0;
            tombstones(shard).add(h, m, l, family, addressHigh, addressLow, port, now - ageMinutes);
            TorrentTable table = shard.table;
            Swarm swarm = table.get(h, m, l);
            if (swarm == null) {
                return;
            }
            long tableBytes = table.bytes();
            long swarmBytes = swarm.bytes();
            int seeders = swarm.seeders();
            int leechers = swarm.leechers();
            if (swarm.cleanedMinute != now) {
                swarm.expire(now, peerTimeoutMinutes, shard.digest, h, m, l);
            }
            if (swarm.removeIfSeenBefore(h, m, l, family, addressHigh, addressLow, port, ageMinutes, now,
                    shard.digest)) {
                removed++;
            }
            settle(shard, h, m, l, swarm, seeders, leechers, swarm.downloaded, tableBytes, swarmBytes);
        }

        /** A sibling's download count of a torrent: the larger count wins. */
        public void downloaded(long h, long m, int l, int downloaded) {
            if (shardOf(h) != shard) {
                return;
            }
            if (!mergeDownloaded(h, m, l, downloaded)) { // the shard's lock is held already, and re-entrant
                refused++;
            }
        }

        /** Peers the merge added here (the sibling held them, this worker did not). */
        public long added() {
            return added;
        }

        /** Peers the merge removed here (a tombstone newer than their last announce). */
        public long removed() {
            return removed;
        }

        /** Records refused: the access list refuses the torrent, or no room in the budget. */
        public long refused() {
            return refused;
        }
    }

    /** Heap bytes the store holds by its own account (tables, swarms, peer arrays). */
    public long bytes() {
        return bytes.get();
    }

    /** The budget the store keeps within, or {@code Long.MAX_VALUE} when it has none. */
    public long budgetBytes() {
        return budget;
    }

    /** The bytes counted afresh by walking every shard: what {@link #bytes()} must equal (for tests). */
    public long recountBytes() {
        long total = 0;
        for (Shard shard : shards) {
            synchronized (shard) {
                TorrentTable table = shard.table;
                total += table.bytes() + (shard.tombstones == null ? 0 : Tombstones.BYTES);
                for (int slot = 0; slot < table.capacity(); slot++) {
                    Swarm swarm = table.swarmAt(slot);
                    if (swarm != null) {
                        total += swarm.bytes();
                    }
                }
            }
        }
        return total;
    }

    public long torrents() {
        return sum(shard -> shard.table.size());
    }

    public long seeders() {
        return sum(shard -> shard.seeders);
    }

    public long leechers() {
        return sum(shard -> shard.leechers);
    }

    /** Downloads counted since start ({@code completed} events, once per peer). */
    public long completed() {
        return sum(shard -> shard.completed);
    }

    private long sum(java.util.function.ToLongFunction<Shard> count) {
        long n = 0;
        for (Shard shard : shards) {
            synchronized (shard) {
                n += count.applyAsLong(shard);
            }
        }
        return n;
    }
}
