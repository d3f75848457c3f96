package dev.kubetracker.worker.deniability;

import dev.kubetracker.worker.swarm.AnnounceReply;
import dev.kubetracker.worker.swarm.PeerRecord;
import java.util.random.RandomGenerator;

/**
 * Plausible deniability: mixes made-up peers into a share of announce replies, so that an address in
 * a peer list proves nothing about its owner. Random addresses come from public unicast space only
 * (never loopback, private, shared, link-local, documentation, benchmark, multicast or reserved
 * ranges). They are written into the reply after the store answered: never stored, counted, scraped
 * or synced. The cost: clients spend a few connection attempts on addresses that do not answer.
 */
public final class RandomPeers {
    /** IPv4 networks no random peer is drawn from: {address, prefix length} pairs. */
    private static final int[][] NOT_PUBLIC_V4 = {
        {0x00000000, 8}, // "this network"
        {0x0A000000, 8}, // private
        {0x64400000, 10}, // carrier-grade NAT
        {0x7F000000, 8}, // loopback
        {0xA9FE0000, 16}, // link-local
        {0xAC100000, 12}, // private
        {0xC0000000, 24}, // IETF protocol assignments
        {0xC0000200, 24}, // documentation (TEST-NET-1)
        {0xC0586300, 24}, // 6to4 relay anycast (deprecated)
        {0xC0A80000, 16}, // private
        {0xC6120000, 15}, // benchmarking
        {0xC6336400, 24}, // documentation (TEST-NET-2)
        {0xCB007100, 24}, // documentation (TEST-NET-3)
        {0xE0000000, 4}, // multicast
        {0xF0000000, 4}, // reserved, and the broadcast address
    };

    private final double probability;
    private final int maxPeers;
    private final int firstPort;
    private final int lastPort;

    public RandomPeers(double probability, int maxPeers, int firstPort, int lastPort) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("tracker.deniability.probability must be 0 to 1: " + probability);
        }
        if (maxPeers < 0) {
            throw new IllegalArgumentException("tracker.deniability.max-peers must not be negative: " + maxPeers);
        }
        if (firstPort < 1 || lastPort > 65535 || firstPort > lastPort) {
            throw new IllegalArgumentException("tracker.deniability.ports must be a range within 1-65535");
        }
        this.probability = probability;
        this.maxPeers = maxPeers;
        this.firstPort = firstPort;
        this.lastPort = lastPort;
    }

    /** Parses {@code "1024-65535"} or a single port. */
    public static int[] parsePorts(String range) {
        String[] parts = range.trim().split("-", 2);
        try {
            int first = Integer.parseInt(parts[0].trim());
            int last = parts.length == 2 ? Integer.parseInt(parts[1].trim()) : first;
            return new int[] {first, last};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("tracker.deniability.ports must look like 1024-65535: " + range, e);
        }
    }

    public boolean enabled() {
        return probability > 0 && maxPeers > 0;
    }

    /**
     * With the configured probability, puts 1 to max-peers random peers of {@code family} into the
     * reply: into free room while {@code numwant} allows (counting the peers of both families), then
     * over randomly chosen real peers of that family.
     */
    public void mixInto(AnnounceReply reply, int family, int numwant, RandomGenerator random) {
        if (!enabled() || numwant <= 0 || random.nextDouble() >= probability) {
            return;
        }
        int count = Math.min(1 + random.nextInt(maxPeers), numwant);
        for (int i = 0; i < count; i++) {
            int port = firstPort + random.nextInt(lastPort - firstPort + 1);
            int room = Math.min(numwant, reply.capacity()) - reply.peers4Count - reply.peers6Count;
            if (family == 6) {
                int at = slot(reply.peers6Count, room, random);
                if (at < 0) {
                    return;
                }
                if (at == reply.peers6Count) {
                    reply.peers6Count++;
                }
                reply.peers6[3 * at] = publicV6High(random);
                reply.peers6[3 * at + 1] = random.nextLong();
                reply.peers6[3 * at + 2] = PeerRecord.tail(port, 0, 0);
            } else {
                int at = slot(reply.peers4Count, room, random);
                if (at < 0) {
                    return;
                }
                if (at == reply.peers4Count) {
                    reply.peers4Count++;
                }
                reply.peers4[at] = PeerRecord.v4(publicV4(random), port, 0, 0);
            }
        }
    }

    /** The next free position while there is room, else a random occupied one (to overwrite), else -1. */
    private static int slot(int count, int room, RandomGenerator random) {
        if (room > 0) {
            return count;
        }
        return count > 0 ? random.nextInt(count) : -1;
    }

    public static int publicV4(RandomGenerator random) {
        while (true) {
            int candidate = random.nextInt();
            if (isPublicV4(candidate)) {
                return candidate;
            }
        }
    }

    public static boolean isPublicV4(int address) {
        for (int[] net : NOT_PUBLIC_V4) {
            int mask = -1 << (32 - net[1]);
            if ((address & mask) == net[0]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The high half of a global unicast IPv6 address (2000::/3), avoiding documentation (2001:db8::/32,
     * 3fff::/20), IETF special purpose (2001::/23), and 6to4 (2002::/16, which embeds IPv4 space).
     */
    public static long publicV6High(RandomGenerator random) {
        while (true) {
            long candidate = (random.nextLong() & 0x1FFF_FFFF_FFFF_FFFFL) | 0x2000_0000_0000_0000L;
            if (isPublicV6High(candidate)) {
                return candidate;
            }
        }
    }

    public static boolean isPublicV6High(long high) {
        int top16 = (int) (high >>> 48);
        int top32 = (int) (high >>> 32);
        return (high >>> 61) == 1
                && (top32 >>> 9) != (0x20010000 >>> 9) // 2001::/23
                && top32 != 0x20010db8
                && top16 != 0x2002
                && (top32 >>> 12) != (0x3fff0000 >>> 12); // 3fff::/20
    }
}
