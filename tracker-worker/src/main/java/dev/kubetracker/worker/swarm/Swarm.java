package dev.kubetracker.worker.swarm;

import java.util.concurrent.ThreadLocalRandom;

/**
 * One torrent: its peers by family and role, and its download count. Not thread-safe; the owning
 * {@link SwarmStore} shard serialises access.
 *
 * <p>Each address family is one {@link PeerArrays} array, seeders then leechers, each segment sorted by
 * key, with the two segment sizes beside it; no further objects per torrent, since per-torrent overhead
 * is most of the memory of a small swarm.
 */
final class Swarm {
    /** The swarm object itself: seven ints and two array references. */
    static final int OBJECT_BYTES = HeapLayout.objectBytes(7 * 4, 2);

    // Created on first use: most torrents have peers of one family only.
    private long[] peers4;
    private int seeders4;
    private int leechers4;
    private long[] peers6;
    private int seeders6;
    private int leechers6;
    int downloaded;
    /** The minute of the last announce: a peerless torrent keeps its count for a while after it. */
    int lastActiveMinute;
    /** The minute at which expired peers were last removed from this swarm. */
    int cleanedMinute = -1;

    int seeders() {
        return seeders4 + seeders6;
    }

    int leechers() {
        return leechers4 + leechers6;
    }

    /** What this swarm takes on the heap: itself and its peer arrays (slack included). */
    long bytes() {
        return OBJECT_BYTES + HeapLayout.bytesOf(peers4) + HeapLayout.bytesOf(peers6);
    }

    /** What a new torrent's swarm with its first peer of the family takes. */
    static long newSwarmBytes(boolean v6) {
        return OBJECT_BYTES + HeapLayout.longArrayBytes(PeerArrays.lengthToHold(null, stride(v6), 0));
    }

    /** What adding one peer of the family would add to {@link #bytes()}: a new or grown array, or nothing. */
    long bytesToAddPeer(boolean v6) {
        long[] peers = peersOf(v6);
        int held = seedersOf(v6) + leechersOf(v6);
        return HeapLayout.longArrayBytes(PeerArrays.lengthToHold(peers, stride(v6), held)) - HeapLayout.bytesOf(peers);
    }

    boolean isEmpty() {
        return seeders() + leechers() == 0;
    }

    private long[] peersOf(boolean v6) {
        return v6 ? peers6 : peers4;
    }

    private int seedersOf(boolean v6) {
        return v6 ? seeders6 : seeders4;
    }

    private int leechersOf(boolean v6) {
        return v6 ? leechers6 : leechers4;
    }

    private static int stride(boolean v6) {
        return v6 ? 3 : 1;
    }

    private void setFamily(boolean v6, long[] peers, int seeders, int leechers) {
        if (v6) {
            peers6 = peers;
            seeders6 = seeders;
            leechers6 = leechers;
        } else {
            peers4 = peers;
            seeders4 = seeders;
            leechers4 = leechers;
        }
    }

    /**
     * Drops peers past the timeout. When the clock went backwards (an NTP step), nothing expires until
     * it has caught up: a step back must not make fresh peers look ancient.
     */
    int expire(int nowMinute, int timeoutMinutes, ShardDigest digest, long hashHigh, long hashMiddle, int hashLow) {
        int cleaned = cleanedMinute;
        if (cleaned < 0) {
            cleanedMinute = nowMinute;
            return 0;
        }
        if (nowMinute < cleaned) {
            return 0;
        }
        int removed = expire(false, nowMinute, cleaned, timeoutMinutes, digest, hashHigh, hashMiddle, hashLow)
                + expire(true, nowMinute, cleaned, timeoutMinutes, digest, hashHigh, hashMiddle, hashLow);
        cleanedMinute = nowMinute;
        return removed;
    }

    private int expire(boolean v6, int nowMinute, int cleaned, int timeoutMinutes, ShardDigest digest,
                       long hashHigh, long hashMiddle, int hashLow) {
        long[] peers = peersOf(v6);
        if (peers == null) {
            return 0;
        }
        int stride = stride(v6);
        int seeders = seedersOf(v6);
        int leechers = leechersOf(v6);
        for (int i = 0; i < seeders + leechers; i++) {
            if (PeerRecord.ageMinutes(PeerArrays.tail(peers, stride, i), nowMinute, cleaned) > timeoutMinutes) {
                digest.toggle(hashHigh, hashMiddle, hashLow, v6, peers, i, i < seeders);
            }
        }
        int keptSeeders = PeerArrays.keepFresh(peers, stride, 0, seeders, 0, nowMinute, cleaned, timeoutMinutes);
        int keptLeechers = PeerArrays.keepFresh(peers, stride, seeders, leechers, keptSeeders, nowMinute, cleaned,
                timeoutMinutes);
        int kept = keptSeeders + keptLeechers;
        setFamily(v6, PeerArrays.shrinkIfSparse(peers, stride, kept), keptSeeders, keptLeechers);
        return seeders + leechers - kept;
    }

    /**
     * Applies the announce to the swarm (insert, refresh, role change, completion, removal) and, unless
     * the peer stopped, selects peers for it into {@code out}. Returns false, changing nothing, when the
     * announce would add a peer that is not there and {@code mayAddPeer} is false (the store is full).
     */
    boolean announce(Announce a, int nowMinute, AnnounceReply out, boolean mayAddPeer, ShardDigest digest) {
        boolean v6 = a.family == 6;
        // Stamped no later than the last cleaning (the store cleans first), which ageMinutes() relies on
        // when the clock has stepped back.
        int minute = Math.min(nowMinute, cleanedMinute) - Math.max(0, a.ageMinutes);
        long w0;
        long w1 = 0;
        long w2 = 0;
        if (v6) {
            w0 = a.address6High;
            w1 = a.address6Low;
            w2 = PeerRecord.tail(a.port, 0, minute);
        } else {
            w0 = PeerRecord.v4(a.address4, a.port, 0, minute);
        }

        int old = indexOf(v6, w0, w1, w2);
        int oldFlags = old >= 0 ? PeerRecord.flags(PeerArrays.tail(peersOf(v6), stride(v6), old)) : 0;
        InfoHash h = a.infoHash;
        boolean oldSeeder = old >= 0 && old < seedersOf(v6);
        if (a.event == Announce.Event.STOPPED) {
            if (old >= 0) {
                digest.toggle(h.high, h.middle, h.low, v6, peersOf(v6), old, oldSeeder);
                removeAt(v6, old);
            }
            fillCounts(out);
            return true;
        }
        if (old < 0 && !mayAddPeer) {
            return false;
        }

        int flags = oldFlags & PeerRecord.COMPLETED;
        if (a.event == Announce.Event.COMPLETED && (flags & PeerRecord.COMPLETED) == 0) {
            flags |= PeerRecord.COMPLETED;
            downloaded++;
        }
        boolean seeder = a.isSeeder();
        if (seeder) {
            flags |= PeerRecord.SEEDER;
        }
        if (a.fromSync) {
            flags |= PeerRecord.FROM_SYNC; // a client announcing here directly clears it again
            if (a.completedBefore) {
                flags |= PeerRecord.COMPLETED;
            }
        }
        long tail = PeerRecord.withFlagsAndMinute(v6 ? w2 : w0, flags, minute);

        int self = put(v6, old, oldSeeder, seeder, w0, w1, w2, tail, digest, h.high, h.middle, h.low);

        fillCounts(out);
        select(v6, seeder, self, a.numwant, a.bothFamilies, out);
        return true;
    }

    /**
     * Writes a peer's record: in place when it keeps its role, else out of one segment and into the other
     * (or in, when {@code old} is negative), toggling the digest as the peer's role changes. Returns its index.
     */
    private int put(boolean v6, int old, boolean oldSeeder, boolean seeder, long w0, long w1, long w2, long tail,
                    ShardDigest digest, long hashHigh, long hashMiddle, int hashLow) {
        if (old >= 0 && oldSeeder == seeder) {
            PeerArrays.setTail(peersOf(v6), stride(v6), old, tail);
            return old;
        }
        if (old >= 0) {
            digest.toggle(hashHigh, hashMiddle, hashLow, v6, peersOf(v6), old, oldSeeder);
            removeAt(v6, old);
        }
        int self = insert(v6, seeder, w0, w1, w2, tail);
        digest.toggle(hashHigh, hashMiddle, hashLow, v6, peersOf(v6), self, seeder);
        return self;
    }

    /** What {@link #mergePeer} did. */
    enum Merge {
        KEPT, ADDED, UPDATED, REFUSED
    }

    /**
     * Merges a sibling's record of a peer seen {@code ageMinutes} ago (anti-entropy): the newer record
     * gives the last-seen minute and the seeder bit, on a tie the seeder bit wins, COMPLETED is OR'ed; a
     * COMPLETED this worker did not hold counts one download here (a completion it never heard of). A peer not here is added as learned by sync, unless
     * {@code mayAddPeer} is false. The caller has cleaned the swarm this minute. For IPv4 {@code high}
     * holds the address.
     */
    Merge mergePeer(long hashHigh, long hashMiddle, int hashLow, int family, long high, long low, int port, int flags,
                    int ageMinutes, int nowMinute, boolean mayAddPeer, ShardDigest digest) {
        boolean v6 = family == 6;
        long w0 = v6 ? high : PeerRecord.v4((int) high, port, 0, 0);
        long w1 = v6 ? low : 0;
        long w2 = v6 ? PeerRecord.tail(port, 0, 0) : 0;
        int stamp = Math.min(nowMinute, cleanedMinute) - ageMinutes;
        boolean theirSeeder = (flags & PeerRecord.SEEDER) != 0;
        int old = indexOf(v6, w0, w1, w2);
        if (old < 0) {
            if (!mayAddPeer) {
                return Merge.REFUSED;
            }
            int added = (flags & PeerRecord.COMPLETED) | (theirSeeder ? PeerRecord.SEEDER : 0) | PeerRecord.FROM_SYNC;
            if ((added & PeerRecord.COMPLETED) != 0) {
                downloaded++; // a completion this worker never heard of
            }
            put(v6, -1, false, theirSeeder, w0, w1, w2, PeerRecord.withFlagsAndMinute(v6 ? w2 : w0, added, stamp),
                    digest, hashHigh, hashMiddle, hashLow);
            return Merge.ADDED;
        }
        long oldTail = PeerArrays.tail(peersOf(v6), stride(v6), old);
        int oldFlags = PeerRecord.flags(oldTail);
        boolean ourSeeder = old < seedersOf(v6);
        int ourAge = PeerRecord.ageMinutes(oldTail, nowMinute, cleanedMinute);
        boolean seeder = ageMinutes < ourAge ? theirSeeder : ageMinutes > ourAge ? ourSeeder : ourSeeder || theirSeeder;
        int merged = ((oldFlags | flags) & PeerRecord.COMPLETED) | (oldFlags & PeerRecord.FROM_SYNC)
                | (seeder ? PeerRecord.SEEDER : 0);
        long tail = PeerRecord.withFlagsAndMinute(oldTail, merged,
                ageMinutes < ourAge ? stamp : PeerRecord.minute(oldTail));
        if (tail == oldTail && seeder == ourSeeder) {
            return Merge.KEPT;
        }
        if ((oldFlags & PeerRecord.COMPLETED) == 0 && (merged & PeerRecord.COMPLETED) != 0) {
            downloaded++; // a completion this worker never heard of
        }
        put(v6, old, ourSeeder, seeder, w0, w1, w2, tail, digest, hashHigh, hashMiddle, hashLow);
        return Merge.UPDATED;
    }

    /**
     * Removes the peer when it was last seen strictly before a tombstone {@code tombstoneAge} minutes old
     * (ties favour the peer); returns whether it did.
     */
    boolean removeIfSeenBefore(long hashHigh, long hashMiddle, int hashLow, int family, long high, long low, int port,
                               int tombstoneAge, int nowMinute, ShardDigest digest) {
        boolean v6 = family == 6;
        long w0 = v6 ? high : PeerRecord.v4((int) high, port, 0, 0);
        int old = indexOf(v6, w0, v6 ? low : 0, v6 ? PeerRecord.tail(port, 0, 0) : 0);
        if (old < 0 || PeerRecord.ageMinutes(PeerArrays.tail(peersOf(v6), stride(v6), old), nowMinute,
                cleanedMinute) <= tombstoneAge) {
            return false;
        }
        digest.toggle(hashHigh, hashMiddle, hashLow, v6, peersOf(v6), old, old < seedersOf(v6));
        removeAt(v6, old);
        return true;
    }

    /** Toggles every peer of this swarm in the digest (the torrent goes, or is counted afresh). */
    void toggleAll(ShardDigest digest, long hashHigh, long hashMiddle, int hashLow) {
        for (int i = 0; i < seeders4 + leechers4; i++) {
            digest.toggle(hashHigh, hashMiddle, hashLow, false, peers4, i, i < seeders4);
        }
        for (int i = 0; i < seeders6 + leechers6; i++) {
            digest.toggle(hashHigh, hashMiddle, hashLow, true, peers6, i, i < seeders6);
        }
    }

    /**
     * The peer's index in its family's array (below the seeder count it is a seeder), or a negative
     * number when it is not there.
     */
    private int indexOf(boolean v6, long w0, long w1, long w2) {
        long[] peers = peersOf(v6);
        if (peers == null) {
            return -1;
        }
        int seeders = seedersOf(v6);
        int index = PeerArrays.find(peers, stride(v6), 0, seeders, w0, w1, w2);
        return index >= 0 ? index : PeerArrays.find(peers, stride(v6), seeders, leechersOf(v6), w0, w1, w2);
    }

    private void removeAt(boolean v6, int index) {
        long[] peers = peersOf(v6);
        int seeders = seedersOf(v6);
        int leechers = leechersOf(v6);
        PeerArrays.remove(peers, stride(v6), seeders + leechers, index);
        if (index < seeders) {
            setFamily(v6, peers, seeders - 1, leechers);
        } else {
            setFamily(v6, peers, seeders, leechers - 1);
        }
    }

    /** Inserts a peer that is not there into the segment of its role; returns its index. */
    private int insert(boolean v6, boolean seeder, long w0, long w1, long w2, long tail) {
        long[] peers = peersOf(v6);
        int stride = stride(v6);
        int seeders = seedersOf(v6);
        int leechers = leechersOf(v6);
        if (peers == null) {
            peers = PeerArrays.create(stride);
        }
        int from = seeder ? 0 : seeders;
        int index = -PeerArrays.find(peers, stride, from, seeder ? seeders : leechers, w0, w1, w2) - 1;
        peers = PeerArrays.insert(peers, stride, seeders + leechers, index, w0, w1, tail);
        if (seeder) {
            setFamily(v6, peers, seeders + 1, leechers);
        } else {
            setFamily(v6, peers, seeders, leechers + 1);
        }
        return index;
    }

    private void fillCounts(AnnounceReply out) {
        out.seeders = seeders();
        out.leechers = leechers();
        out.downloaded = downloaded;
    }

    /**
     * Fills the requester's family first, then gives what numwant leaves to the other family (which
     * only HTTP replies carry; UDP frontends ignore it). Seeders get no seeders while leechers exist.
     * {@code self} is the requester's index in its family's array.
     */
    private void select(boolean v6, boolean requesterSeeds, int self, int numwant, boolean bothFamilies,
                        AnnounceReply out) {
        boolean withSeeders = !(requesterSeeds && leechers() > 0);
        int taken = sample(v6, withSeeders, self, numwant, out);
        int rest = numwant - taken;
        if (rest > 0 && bothFamilies) {
            sample(!v6, withSeeders, -1, rest, out);
        }
    }

    /**
     * Takes up to {@code numwant} peers of one family spread evenly over its leechers followed by (when
     * {@code withSeeders}) its seeders, starting at a random offset, skipping the record at {@code self}.
     */
    private int sample(boolean v6, boolean withSeeders, int self, int numwant, AnnounceReply out) {
        long[] peers = peersOf(v6);
        int stride = stride(v6);
        int seeders = seedersOf(v6);
        int leechers = leechersOf(v6);
        int n = withSeeders ? seeders + leechers : leechers;
        // Candidate c is leecher c for c < leechers, else seeder c - leechers.
        int selfCandidate = -1;
        if (self >= seeders) {
            selfCandidate = self - seeders;
        } else if (self >= 0 && withSeeders) {
            selfCandidate = leechers + self;
        }
        int want = Math.min(n, numwant + (selfCandidate >= 0 ? 1 : 0));
        if (want <= 0) {
            return 0;
        }
        long[] to = v6 ? out.peers6 : out.peers4;
        int toCount = v6 ? out.peers6Count : out.peers4Count;
        double step = (double) n / want;
        double offset = want == n ? 0 : ThreadLocalRandom.current().nextDouble(step);
        int taken = 0;
        for (int i = 0; i < want && taken < numwant; i++) {
            int candidate = Math.min(n - 1, (int) (offset + i * step)); // rounding can touch n
            if (candidate == selfCandidate) {
                continue;
            }
            int index = candidate < leechers ? seeders + candidate : candidate - leechers;
            System.arraycopy(peers, index * stride, to, (toCount + taken) * stride, stride);
            taken++;
        }
        if (v6) {
            out.peers6Count += taken;
        } else {
            out.peers4Count += taken;
        }
        return taken;
    }

    /** Visits every peer: its family, address words, port, flags and age in minutes. */
    void forEachPeer(int nowMinute, PeerVisitor visitor, long hashHigh, long hashMiddle, int hashLow) {
        int cleaned = cleanedMinute < 0 ? nowMinute : cleanedMinute;
        // Seeders then leechers within each family, as the arrays hold them.
        for (int i = 0; i < seeders4 + leechers4; i++) {
            long record = peers4[i];
            visitor.visit(hashHigh, hashMiddle, hashLow, 4, PeerRecord.v4Address(record), 0, 0,
                    PeerRecord.port(record), PeerRecord.flags(record),
                    PeerRecord.ageMinutes(record, nowMinute, cleaned));
        }
        for (int i = 0; i < seeders6 + leechers6; i++) {
            long tail = peers6[i * 3 + 2];
            visitor.visit(hashHigh, hashMiddle, hashLow, 6, 0, peers6[i * 3], peers6[i * 3 + 1],
                    PeerRecord.port(tail), PeerRecord.flags(tail), PeerRecord.ageMinutes(tail, nowMinute, cleaned));
        }
    }
}
