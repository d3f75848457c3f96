package dev.kubetracker.worker.swarm;

import java.util.concurrent.ThreadLocalRandom;

/**
 * One torrent: its peers by family and role, and its download count. Not thread-safe; the owning
 * {@link SwarmStore} shard serialises access.
 */
final class Swarm {
    // Created on first use: most torrents have peers of one family and often of one role only.
    private PeerSet seeders4;
    private PeerSet leechers4;
    private PeerSet seeders6;
    private PeerSet leechers6;
    int downloaded;
    /** The minute of the last announce: a peerless torrent keeps its count for a while after it. */
    int lastActiveMinute;
    /** The minute at which expired peers were last removed from this swarm. */
    int cleanedMinute = -1;

    int seeders() {
        return size(seeders4) + size(seeders6);
    }

    int leechers() {
        return size(leechers4) + size(leechers6);
    }

    boolean isEmpty() {
        return seeders() + leechers() == 0;
    }

    /**
     * Drops peers past the timeout. When the clock went backwards (an NTP step), nothing expires until
     * it has caught up: a step back must not make fresh peers look ancient.
     */
    int expire(int nowMinute, int timeoutMinutes) {
        int cleaned = cleanedMinute;
        if (cleaned < 0) {
            cleanedMinute = nowMinute;
            return 0;
        }
        if (nowMinute < cleaned) {
            return 0;
        }
        int removed = 0;
        if (seeders4 != null) {
            removed += seeders4.expire(nowMinute, cleaned, timeoutMinutes);
        }
        if (leechers4 != null) {
            removed += leechers4.expire(nowMinute, cleaned, timeoutMinutes);
        }
        if (seeders6 != null) {
            removed += seeders6.expire(nowMinute, cleaned, timeoutMinutes);
        }
        if (leechers6 != null) {
            removed += leechers6.expire(nowMinute, cleaned, timeoutMinutes);
        }
        cleanedMinute = nowMinute;
        return removed;
    }

    /**
     * Applies the announce to the swarm (insert, refresh, role change, completion, removal) and, unless
     * the peer stopped, selects peers for it into {@code out}.
     */
    void announce(Announce a, int nowMinute, AnnounceReply out) {
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
        PeerSet seeders = v6 ? seeders6 : seeders4;
        PeerSet leechers = v6 ? leechers6 : leechers4;

        int oldFlags = 0;
        PeerSet oldSet = null;
        int oldIndex = -1;
        if (seeders != null && (oldIndex = seeders.find(w0, w1, w2)) >= 0) {
            oldSet = seeders;
        } else if (leechers != null && (oldIndex = leechers.find(w0, w1, w2)) >= 0) {
            oldSet = leechers;
        }
        if (oldSet != null) {
            oldFlags = PeerRecord.flags(oldSet.tail(oldIndex));
        }

        if (a.event == Announce.Event.STOPPED) {
            if (oldSet != null) {
                oldSet.removeAt(oldIndex);
            }
            fillCounts(out);
            return;
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

        PeerSet target;
        if (seeder) {
            target = seeders != null ? seeders : (seeders = newSet(v6, true));
        } else {
            target = leechers != null ? leechers : (leechers = newSet(v6, false));
        }
        if (oldSet == target) {
            target.setTail(oldIndex, tail);
        } else {
            if (oldSet != null) {
                oldSet.removeAt(oldIndex);
            }
            int at = -target.find(w0, w1, w2) - 1;
            if (v6) {
                target.insertAt(at, w0, w1, tail);
            } else {
                target.insertAt(at, tail, 0, 0);
            }
        }

        fillCounts(out);
        select(v6, seeder, target, w0, w1, w2, a.numwant, a.bothFamilies, out);
    }

    private PeerSet newSet(boolean v6, boolean seeders) {
        PeerSet set = new PeerSet(v6 ? 3 : 1);
        if (v6) {
            if (seeders) {
                seeders6 = set;
            } else {
                leechers6 = set;
            }
        } else if (seeders) {
            seeders4 = set;
        } else {
            leechers4 = set;
        }
        return set;
    }

    private void fillCounts(AnnounceReply out) {
        out.seeders = seeders();
        out.leechers = leechers();
        out.downloaded = downloaded;
    }

    /**
     * Fills the requester's family first, then gives what numwant leaves to the other family (which
     * only HTTP replies carry; UDP frontends ignore it). Seeders get no seeders while leechers exist.
     */
    private void select(boolean v6, boolean requesterSeeds, PeerSet self, long w0, long w1, long w2,
                        int numwant, boolean bothFamilies, AnnounceReply out) {
        boolean onlyLeechers = requesterSeeds && leechers() > 0;
        PeerSet sameLeechers = v6 ? leechers6 : leechers4;
        PeerSet sameSeeders = onlyLeechers ? null : (v6 ? seeders6 : seeders4);
        int taken = sample(sameLeechers, sameSeeders, self, w0, w1, w2, numwant, v6, out);
        int rest = numwant - taken;
        if (rest > 0 && bothFamilies) {
            PeerSet otherLeechers = v6 ? leechers4 : leechers6;
            PeerSet otherSeeders = onlyLeechers ? null : (v6 ? seeders4 : seeders6);
            sample(otherLeechers, otherSeeders, null, 0, 0, 0, rest, !v6, out);
        }
    }

    /**
     * Takes up to {@code numwant} peers spread evenly over the concatenation of {@code first} and
     * {@code second}, starting at a random offset, skipping the requester (in {@code self}).
     */
    private static int sample(PeerSet first, PeerSet second, PeerSet self, long w0, long w1, long w2,
                              int numwant, boolean v6, AnnounceReply out) {
        int n1 = size(first);
        int n = n1 + size(second);
        int selfIndex = -1;
        if (self != null && (self == first || self == second)) {
            int at = self.find(w0, w1, w2);
            selfIndex = self == first ? at : n1 + at;
        }
        int want = Math.min(n, numwant + (selfIndex >= 0 ? 1 : 0));
        if (want <= 0) {
            return 0;
        }
        double step = (double) n / want;
        double offset = want == n ? 0 : ThreadLocalRandom.current().nextDouble(step);
        int taken = 0;
        for (int i = 0; i < want && taken < numwant; i++) {
            int index = Math.min(n - 1, (int) (offset + i * step)); // rounding can touch n
            if (index == selfIndex) {
                continue;
            }
            PeerSet set = index < n1 ? first : second;
            int inSet = index < n1 ? index : index - n1;
            if (v6) {
                set.copyTo(inSet, out.peers6, out.peers6Count++);
            } else {
                set.copyTo(inSet, out.peers4, out.peers4Count++);
            }
            taken++;
        }
        return taken;
    }

    /** Visits every peer: its family, address words, port, flags and age in minutes. */
    void forEachPeer(int nowMinute, PeerVisitor visitor, long hashHigh, long hashMiddle, int hashLow) {
        int cleaned = cleanedMinute < 0 ? nowMinute : cleanedMinute;
        visit(seeders4, 4, nowMinute, cleaned, visitor, hashHigh, hashMiddle, hashLow);
        visit(leechers4, 4, nowMinute, cleaned, visitor, hashHigh, hashMiddle, hashLow);
        visit(seeders6, 6, nowMinute, cleaned, visitor, hashHigh, hashMiddle, hashLow);
        visit(leechers6, 6, nowMinute, cleaned, visitor, hashHigh, hashMiddle, hashLow);
    }

    private static void visit(PeerSet set, int family, int nowMinute, int cleaned, PeerVisitor visitor, long h,
                              long m, int l) {
        if (set == null) {
            return;
        }
        for (int i = 0; i < set.size(); i++) {
            long tail = set.tail(i);
            if (family == 4) {
                visitor.visit(h, m, l, 4, PeerRecord.v4Address(tail), 0, 0, PeerRecord.port(tail),
                        PeerRecord.flags(tail), PeerRecord.ageMinutes(tail, nowMinute, cleaned));
            } else {
                visitor.visit(h, m, l, 6, 0, set.word(i, 0), set.word(i, 1), PeerRecord.port(tail),
                        PeerRecord.flags(tail), PeerRecord.ageMinutes(tail, nowMinute, cleaned));
            }
        }
    }

    private static int size(PeerSet set) {
        return set == null ? 0 : set.size();
    }
}
