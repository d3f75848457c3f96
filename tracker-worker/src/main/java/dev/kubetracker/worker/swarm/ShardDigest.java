package dev.kubetracker.worker.swarm;

/**
 * The digest of one store shard: the XOR of a strong 64-bit mix of every peer present (info hash,
 * family, address, port, seeder bit) and of every torrent's download count (when not 0), so it is
 * independent of order and kept up to date by toggling one peer or count in or out. Age, COMPLETED and
 * FROM_SYNC are left out: siblings holding the same peers and counts agree however they reached them.
 * Counts are in because they are repaired by maximum only when a shard is pulled: a shard whose peers
 * agree but whose counts do not must still differ. Siblings compare these to find shards that differ
 * (anti-entropy). Guarded by its shard's lock.
 */
public final class ShardDigest {
    long value;

    ShardDigest() {
    }

    /** Toggles a peer in or out of the digest. For IPv4, {@code high} holds the address and {@code low} is 0. */
    void toggle(long hashHigh, long hashMiddle, int hashLow, int family, long high, long low, int port, boolean seeder) {
        value ^= mix(hashHigh, hashMiddle, hashLow, family, high, low, port, seeder);
    }

    /** Toggles a torrent's download count in or out of the digest; a count of 0 is no term. */
    void toggleCount(long hashHigh, long hashMiddle, int hashLow, int downloaded) {
        if (downloaded != 0) {
            // family 0 keeps a count's term apart from every peer's
            value ^= mix(hashHigh, hashMiddle, hashLow, 0, downloaded & 0xFFFF_FFFFL, 0, 0, false);
        }
    }

    /** Moves a torrent's count term from {@code before} to {@code after}. */
    void changeCount(long hashHigh, long hashMiddle, int hashLow, int before, int after) {
        if (before != after) {
            toggleCount(hashHigh, hashMiddle, hashLow, before);
            toggleCount(hashHigh, hashMiddle, hashLow, after);
        }
    }

    /** Toggles the record at {@code index} of a family's peer array. */
    void toggle(long hashHigh, long hashMiddle, int hashLow, boolean v6, long[] peers, int index, boolean seeder) {
        if (v6) {
            int base = index * 3;
            toggle(hashHigh, hashMiddle, hashLow, 6, peers[base], peers[base + 1], PeerRecord.port(peers[base + 2]),
                    seeder);
        } else {
            long record = peers[index];
            toggle(hashHigh, hashMiddle, hashLow, 4, PeerRecord.v4Address(record) & 0xFFFF_FFFFL, 0,
                    PeerRecord.port(record), seeder);
        }
    }

    /** The peer's 64-bit mix: the same on every worker (no key: siblings must agree); public for benchmarks. */
    public static long mix(long hashHigh, long hashMiddle, int hashLow, int family, long high, long low, int port,
                    boolean seeder) {
        long x = finish(hashHigh);
        x = finish(x + hashMiddle);
        x = finish(x + ((long) hashLow << 32 | (long) (port & 0xFFFF) << 16 | family << 1 | (seeder ? 1 : 0)));
        x = finish(x + high);
        return finish(x + low);
    }

    /** The 64-bit finaliser of MurmurHash3: every input bit flips each output bit with probability about 1/2. */
    private static long finish(long x) {
        x ^= x >>> 33;
        x *= 0xFF51AFD7ED558CCDL;
        x ^= x >>> 33;
        x *= 0xC4CEB9FE1A85EC53L;
        return x ^ (x >>> 33);
    }
}
