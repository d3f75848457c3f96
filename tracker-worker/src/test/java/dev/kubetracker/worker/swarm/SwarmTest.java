package dev.kubetracker.worker.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * One torrent's peers: each family is one array of seeders then leechers, each sorted by key. These
 * tests watch the segments through {@link Swarm#forEachPeer}, which walks the arrays in order.
 */
class SwarmTest {
    private static final int TIMEOUT = 45;
    private static final long V6_HIGH = 0x20010db800000000L;

    private final Swarm swarm = new Swarm();
    private final AnnounceReply reply = new AnnounceReply(200);
    private final Announce a = new Announce();
    private int now = 1000;

    /** A peer as {@link Swarm#forEachPeer} reports it; an IPv4 address is {@code high}. */
    private record Peer(int family, long high, long low, int port) implements Comparable<Peer> {
        static Peer v4(int address, int port) {
            return new Peer(4, address & 0xFFFF_FFFFL, 0, port);
        }

        static Peer v6(long high, long low, int port) {
            return new Peer(6, high, low, port);
        }

        /** The order of the arrays: by family, then address words unsigned, then port. */
        @Override
        public int compareTo(Peer o) {
            int c = Integer.compare(family, o.family);
            if (c == 0) {
                c = Long.compareUnsigned(high, o.high);
            }
            if (c == 0) {
                c = Long.compareUnsigned(low, o.low);
            }
            return c != 0 ? c : Integer.compare(port, o.port);
        }
    }

    private record Visit(Peer peer, boolean seeder) {
    }

    private static Visit seeder(Peer p) {
        return new Visit(p, true);
    }

    private static Visit leecher(Peer p) {
        return new Visit(p, false);
    }

    private static Peer v4(int address) {
        return Peer.v4(address, 1);
    }

    private void announce(Peer p, boolean seeder) {
        announce(p, seeder, Announce.Event.NONE, 50, true);
    }

    /** As the store does it: expire once a minute, then apply the announce. */
    private void announce(Peer p, boolean seeder, Announce.Event event, int numwant, boolean bothFamilies) {
        a.clear();
        a.family = p.family;
        if (p.family == 4) {
            a.address4 = (int) p.high;
        } else {
            a.address6High = p.high;
            a.address6Low = p.low;
        }
        a.port = p.port;
        a.left = seeder ? 0 : 100;
        a.event = event;
        a.numwant = numwant;
        a.bothFamilies = bothFamilies;
        apply(a);
    }

    private void apply(Announce announce) {
        if (swarm.cleanedMinute != now) {
            swarm.expire(now, TIMEOUT, new ShardDigest(), 0, 0, 0);
        }
        reply.clear();
        assertTrue(swarm.announce(announce, now, reply, true, new ShardDigest()));
    }

    private List<Visit> visits() {
        List<Visit> visits = new ArrayList<>();
        swarm.forEachPeer(now, (h, m, l, family, address4, high, low, port, flags, age) -> {
            Peer p = family == 4 ? Peer.v4(address4, port) : Peer.v6(high, low, port);
            visits.add(new Visit(p, (flags & PeerRecord.SEEDER) != 0));
        }, 0, 0, 0);
        return visits;
    }

    private List<Integer> ages() {
        List<Integer> ages = new ArrayList<>();
        swarm.forEachPeer(now, (h, m, l, family, address4, high, low, port, flags, age) -> ages.add(age), 0, 0, 0);
        return ages;
    }

    /** The peers of the last reply, IPv4 then IPv6. */
    private List<Peer> selected() {
        List<Peer> peers = new ArrayList<>();
        for (int i = 0; i < reply.peers4Count; i++) {
            long record = reply.peers4[i];
            peers.add(Peer.v4(PeerRecord.v4Address(record), PeerRecord.port(record)));
        }
        for (int i = 0; i < reply.peers6Count; i++) {
            peers.add(Peer.v6(reply.peers6[i * 3], reply.peers6[i * 3 + 1], PeerRecord.port(reply.peers6[i * 3 + 2])));
        }
        return peers;
    }

    private void assertCounts(int seeders, int leechers) {
        assertEquals(seeders, swarm.seeders(), "seeders");
        assertEquals(leechers, swarm.leechers(), "leechers");
    }

    @Test
    void aPeerSwitchingRolesBetweenNeighboursKeepsBothSegmentsSortedAndCounted() {
        int top = 0xC000_0000; // above every other address unsigned, below them signed
        announce(v4(5), true);
        announce(v4(4), false);
        announce(v4(1), true);
        announce(v4(top), false);
        announce(v4(3), true);
        announce(v4(2), false);
        assertEquals(List.of(seeder(v4(1)), seeder(v4(3)), seeder(v4(5)),
                leecher(v4(2)), leecher(v4(4)), leecher(v4(top))), visits());

        announce(v4(4), true);
        assertEquals(List.of(seeder(v4(1)), seeder(v4(3)), seeder(v4(4)), seeder(v4(5)),
                leecher(v4(2)), leecher(v4(top))), visits());
        assertCounts(4, 2);

        announce(v4(4), false);
        assertEquals(List.of(seeder(v4(1)), seeder(v4(3)), seeder(v4(5)),
                leecher(v4(2)), leecher(v4(4)), leecher(v4(top))), visits());
        assertCounts(3, 3);

        // The segment ends: the last leecher becomes the last seeder, the first seeder the first leecher.
        announce(v4(top), true);
        announce(v4(1), false);
        assertEquals(List.of(seeder(v4(3)), seeder(v4(5)), seeder(v4(top)),
                leecher(v4(1)), leecher(v4(2)), leecher(v4(4))), visits());
        assertCounts(3, 3);

        announce(v4(top), false);
        announce(v4(1), true);
        assertEquals(List.of(seeder(v4(1)), seeder(v4(3)), seeder(v4(5)),
                leecher(v4(2)), leecher(v4(4)), leecher(v4(top))), visits());
        assertCounts(3, 3);
    }

    @Test
    void aReannounceInTheSameRoleRefreshesThePeerInPlace() {
        announce(v4(1), true);
        announce(v4(2), false);
        now += 30;
        announce(v4(1), true);
        assertEquals(List.of(seeder(v4(1)), leecher(v4(2))), visits());
        assertEquals(List.of(0, 30), ages());
        assertCounts(1, 1);
    }

    @Test
    void stoppingRemovesThePeerFromItsSegmentOnly() {
        for (int i = 1; i <= 6; i++) {
            announce(v4(i), i % 2 == 0);
        }
        announce(v4(4), true, Announce.Event.STOPPED, 50, true);
        announce(v4(3), false, Announce.Event.STOPPED, 50, true);
        announce(v4(9), false, Announce.Event.STOPPED, 50, true); // unknown: nothing happens
        assertEquals(List.of(seeder(v4(2)), seeder(v4(6)), leecher(v4(1)), leecher(v4(5))), visits());
        assertCounts(2, 2);
    }

    @Test
    void expiryRemovesStalePeersFromBothSegmentsAndKeepsTheRest() {
        for (int i = 1; i <= 4; i++) {
            announce(v4(i), true);
            announce(v4(10 + i), false);
        }
        announce(Peer.v6(V6_HIGH, 1, 1), true);
        announce(Peer.v6(V6_HIGH, 2, 1), false);
        now += 30;
        announce(v4(2), true);
        announce(v4(4), true);
        announce(v4(11), false);
        announce(v4(13), false);
        announce(Peer.v6(V6_HIGH, 2, 1), false);
        now += 16;

        assertEquals(5, swarm.expire(now, TIMEOUT, new ShardDigest(), 0, 0, 0));
        assertEquals(List.of(seeder(v4(2)), seeder(v4(4)), leecher(v4(11)), leecher(v4(13)),
                leecher(Peer.v6(V6_HIGH, 2, 1))), visits());
        assertEquals(List.of(16, 16, 16, 16, 16), ages());
        assertCounts(2, 3);

        announce(v4(12), false);
        announce(v4(3), true);
        assertEquals(List.of(seeder(v4(2)), seeder(v4(3)), seeder(v4(4)),
                leecher(v4(11)), leecher(v4(12)), leecher(v4(13)), leecher(Peer.v6(V6_HIGH, 2, 1))), visits());
        assertCounts(3, 4);
    }

    @Test
    void expiryThatEmptiesMostOfAFamilyKeepsTheSurvivorsInTheirSegments() {
        for (int i = 1; i <= 100; i++) {
            announce(v4(i), i % 2 == 0);
            announce(Peer.v6(V6_HIGH, i, 1), i % 2 == 0);
        }
        now += 30;
        announce(v4(50), true);
        announce(v4(51), false);
        announce(Peer.v6(V6_HIGH, 7, 1), false);
        now += 16;

        assertEquals(197, swarm.expire(now, TIMEOUT, new ShardDigest(), 0, 0, 0));
        assertEquals(List.of(seeder(v4(50)), leecher(v4(51)), leecher(Peer.v6(V6_HIGH, 7, 1))), visits());
        assertCounts(1, 2);

        announce(v4(49), true);
        announce(v4(52), false);
        announce(Peer.v6(V6_HIGH, 6, 1), true);
        assertEquals(List.of(seeder(v4(49)), seeder(v4(50)), leecher(v4(51)), leecher(v4(52)),
                seeder(Peer.v6(V6_HIGH, 6, 1)), leecher(Peer.v6(V6_HIGH, 7, 1))), visits());
        assertCounts(3, 3);
    }

    @Test
    void ipv4AndIpv6PeersOfOneTorrentKeepTheirOwnSegments() {
        Peer highBit = Peer.v6(0x8000_0000_0000_0000L, 0, 2); // sorts last though negative as a long
        Peer seeder6 = Peer.v6(V6_HIGH, 5, 1);
        Peer leecher6 = Peer.v6(V6_HIGH, 1, 1);
        announce(highBit, false);
        announce(v4(2), true);
        announce(seeder6, true);
        announce(v4(3), false);
        announce(leecher6, false);
        announce(v4(1), true);
        assertEquals(List.of(seeder(v4(1)), seeder(v4(2)), leecher(v4(3)),
                seeder(seeder6), leecher(leecher6), leecher(highBit)), visits());
        assertCounts(3, 3);

        announce(leecher6, false, Announce.Event.NONE, 50, true);
        assertEquals(Set.of(highBit, seeder6, v4(1), v4(2), v4(3)), new HashSet<>(selected()));
        assertEquals(2, reply.peers6Count, "the requester's family first, all three words of each record");

        announce(v4(1), true, Announce.Event.NONE, 50, true);
        assertEquals(Set.of(v4(3), leecher6, highBit), new HashSet<>(selected()), "a seeder gets only leechers");

        announce(v4(3), false, Announce.Event.NONE, 50, false);
        assertEquals(Set.of(v4(1), v4(2)), new HashSet<>(selected()), "without both families, only IPv4");
    }

    @Test
    void randomOffsetsReachEveryPeerOfBothSegments() {
        for (int i = 1; i <= 10; i++) {
            announce(v4(i), true);
            announce(v4(100 + i), false);
        }
        Peer requester = Peer.v6(V6_HIGH, 1, 1); // of the other family, so no stride position is skipped
        Set<Peer> seen = new HashSet<>();
        for (int round = 0; round < 300; round++) {
            announce(requester, false, Announce.Event.NONE, 3, true);
            assertEquals(3, reply.peers4Count);
            seen.addAll(selected());
        }
        assertEquals(20, seen.size());
    }

    /** What the swarm should hold: a sorted map per role, peers of both families together. */
    private static final class Model {
        record State(int lastSeen, int flags) {
        }

        final TreeMap<Peer, State> seeders = new TreeMap<>();
        final TreeMap<Peer, State> leechers = new TreeMap<>();
        int downloaded;

        void expire(int now) {
            seeders.values().removeIf(s -> now - s.lastSeen > TIMEOUT);
            leechers.values().removeIf(s -> now - s.lastSeen > TIMEOUT);
        }

        void announce(Peer p, Announce a, int now) {
            State old = seeders.remove(p);
            if (old == null) {
                old = leechers.remove(p);
            }
            if (a.event == Announce.Event.STOPPED) {
                return;
            }
            int flags = old == null ? 0 : old.flags & PeerRecord.COMPLETED;
            if (a.event == Announce.Event.COMPLETED && flags == 0) {
                flags = PeerRecord.COMPLETED;
                downloaded++;
            }
            if (a.fromSync) {
                flags |= PeerRecord.FROM_SYNC | (a.completedBefore ? PeerRecord.COMPLETED : 0);
            }
            if (a.isSeeder()) {
                seeders.put(p, new State(now - a.ageMinutes, flags | PeerRecord.SEEDER));
            } else {
                leechers.put(p, new State(now - a.ageMinutes, flags));
            }
        }

        int count(Map<Peer, State> role, int family) {
            return (int) role.keySet().stream().filter(p -> p.family == family).count();
        }

        /** Peer, flags and age in the order forEachPeer must visit: seeders4, leechers4, seeders6, leechers6. */
        List<String> expectedVisits(int now) {
            List<String> visits = new ArrayList<>();
            for (int family : new int[] {4, 6}) {
                for (Map<Peer, State> role : List.of(seeders, leechers)) {
                    role.forEach((p, s) -> {
                        if (p.family == family) {
                            visits.add(p + " flags " + s.flags + " age " + (now - s.lastSeen));
                        }
                    });
                }
            }
            return visits;
        }
    }

    private List<String> visitsWithFlagsAndAges() {
        List<String> visits = new ArrayList<>();
        swarm.forEachPeer(now, (h, m, l, family, address4, high, low, port, flags, age) -> {
            Peer p = family == 4 ? Peer.v4(address4, port) : Peer.v6(high, low, port);
            visits.add(p + " flags " + flags + " age " + age);
        }, 0, 0, 0);
        return visits;
    }

    @Test
    void randomAnnouncesAndExpiriesMatchASortedMapPerRole() {
        Random random = new Random(20261127);
        List<Peer> pool = new ArrayList<>();
        int[] addresses = {0, 1, 2, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x0A00_0001, 0xC0A8_0001};
        for (int address : addresses) {
            pool.add(Peer.v4(address, 1));
            pool.add(Peer.v4(address, 65535));
            pool.add(Peer.v4(address, 6881));
        }
        long[] words = {0, 1, V6_HIGH, 0x8000_0000_0000_0000L, -1L};
        for (int i = 0; i < 16; i++) {
            pool.add(Peer.v6(words[random.nextInt(words.length)], words[random.nextInt(words.length)], 1 + i % 3));
        }
        Model model = new Model();

        for (int op = 0; op < 5000; op++) {
            if (random.nextInt(25) == 0) {
                now += 1 + random.nextInt(20);
            }
            Peer p = pool.get(random.nextInt(pool.size()));
            a.clear();
            a.family = p.family;
            a.address4 = (int) p.high;
            a.address6High = p.high;
            a.address6Low = p.low;
            a.port = p.port;
            a.left = random.nextInt(3) == 0 ? 100 : 0;
            int e = random.nextInt(10);
            a.event = e == 0 ? Announce.Event.STOPPED : e == 1 ? Announce.Event.COMPLETED : Announce.Event.NONE;
            a.numwant = random.nextInt(9);
            a.bothFamilies = random.nextBoolean();
            if (random.nextInt(10) == 0) {
                a.fromSync = true;
                a.ageMinutes = random.nextInt(6);
                a.completedBefore = random.nextBoolean();
            }
            if (swarm.cleanedMinute != now) {
                model.expire(now);
            }
            apply(a);
            model.announce(p, a, now);

            String at = "operation " + op;
            assertEquals(model.seeders.size(), reply.seeders, at);
            assertEquals(model.leechers.size(), reply.leechers, at);
            assertEquals(model.downloaded, reply.downloaded, at);
            assertEquals(model.expectedVisits(now), visitsWithFlagsAndAges(), at);
            if (a.event == Announce.Event.STOPPED) {
                assertEquals(0, reply.peers4Count + reply.peers6Count, at);
            } else {
                assertSelection(model, p, at);
            }
        }
    }

    /** Every selected peer exists in a role it may be offered in, once, not the requester; as many as allowed. */
    private void assertSelection(Model model, Peer requester, String at) {
        boolean withSeeders = !(a.isSeeder() && !model.leechers.isEmpty());
        Set<Peer> unique = new HashSet<>();
        for (Peer p : selected()) {
            assertTrue(unique.add(p), at + ": no duplicates");
            assertFalse(p.equals(requester), at + ": never the requester");
            assertTrue(model.leechers.containsKey(p) || withSeeders && model.seeders.containsKey(p),
                    at + ": selected " + p + " exists and may be offered");
        }
        int family = requester.family;
        int other = family == 4 ? 6 : 4;
        int sameFamily = model.count(model.leechers, family) + (withSeeders ? model.count(model.seeders, family) : 0);
        int otherFamily = model.count(model.leechers, other) + (withSeeders ? model.count(model.seeders, other) : 0);
        boolean requesterIsCandidate = !a.isSeeder() || withSeeders;
        int same = Math.min(a.numwant, sameFamily - (requesterIsCandidate ? 1 : 0));
        int rest = a.bothFamilies ? Math.min(a.numwant - same, otherFamily) : 0;
        assertEquals(same, family == 4 ? reply.peers4Count : reply.peers6Count, at + ": own family");
        assertEquals(rest, family == 4 ? reply.peers6Count : reply.peers4Count, at + ": other family");
    }
}
