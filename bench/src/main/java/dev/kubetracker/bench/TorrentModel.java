package dev.kubetracker.bench;

/**
 * The simulated swarm population: {@code peers} peers over {@code torrents} torrents, everything derived
 * from the peer's index by hashing, so that no table is needed and every run (and every tracker) sees the
 * same peers in the same torrents.
 *
 * <p>Peer {@code p} lives at source address {@code p % sources} (see {@link #sourceAddress}) and port
 * {@code 1024 + p / sources}, is a seeder with probability {@code seederShare}, and belongs to one torrent
 * drawn from a Zipf-like popularity: torrent rank {@code r} (0 the hottest) holds a share of peers
 * proportional to {@code 1 / (r + 1)^exponent}, so a few torrents are hot and most hold a peer or none.
 */
public final class TorrentModel {
    /** Peer ports start here; ports are 16 bits, so a source address holds at most this many peers. */
    static final int FIRST_PORT = 1024;
    static final int MAX_PEERS_PER_SOURCE = 65535 - FIRST_PORT;
    /** Source addresses are 127.a.b.c with a in 1.., b and c in 1..250 (no .0 or .255 octets). */
    static final int MAX_SOURCES = 250 * 250;

    private final int torrents;
    private final int peers;
    private final int sources;
    private final double exponent;
    private final int seederPercent;
    private final long seed;

    public TorrentModel(int torrents, int peers, int sources, double exponent, double seederShare, long seed) {
        if (torrents < 1 || peers < 1) {
            throw new IllegalArgumentException("torrents and peers must be positive");
        }
        if (sources < 1 || sources > MAX_SOURCES) {
            throw new IllegalArgumentException("sources must be 1 to " + MAX_SOURCES + ": " + sources);
        }
        if ((peers + (long) sources - 1) / sources > MAX_PEERS_PER_SOURCE) {
            throw new IllegalArgumentException(peers + " peers need at least "
                    + minimumSources(peers) + " source addresses (one address holds " + MAX_PEERS_PER_SOURCE
                    + " ports)");
        }
        if (exponent < 0 || seederShare < 0 || seederShare > 1) {
            throw new IllegalArgumentException("exponent must be >= 0 and seeder share 0 to 1");
        }
        this.torrents = torrents;
        this.peers = peers;
        this.sources = sources;
        this.exponent = exponent;
        this.seederPercent = (int) Math.round(seederShare * 100);
        this.seed = seed;
    }

    public static int minimumSources(int peers) {
        return (int) ((peers + (long) MAX_PEERS_PER_SOURCE - 1) / MAX_PEERS_PER_SOURCE);
    }

    public int torrents() {
        return torrents;
    }

    public int peers() {
        return peers;
    }

    public int sources() {
        return sources;
    }

    /** Peer {@code p}'s torrent when filling a tracker evenly: peers spread round-robin over all torrents. */
    public int evenTorrentOf(int peer) {
        return peer % torrents;
    }

    /** The popularity rank of peer {@code p}'s torrent, 0 (hottest) to torrents - 1. */
    public int torrentOf(int peer) {
        return rankFor(unit(mix(seed ^ (peer * 0x9E3779B97F4A7C15L))));
    }

    /** The torrent rank for a uniform {@code u} in [0, 1): the inverse of the continuous Zipf CDF. */
    int rankFor(double u) {
        double n = torrents;
        double x;
        if (exponent == 0) {
            x = 1 + u * n;
        } else if (Math.abs(exponent - 1) < 1e-9) {
            x = Math.pow(n + 1, u); // CDF of 1/x over [1, n+1] is ln(x)/ln(n+1)
        } else {
            double a = 1 - exponent;
            double top = Math.pow(n + 1, a);
            x = Math.pow(1 + u * (top - 1), 1 / a);
        }
        int rank = (int) x - 1;
        return Math.max(0, Math.min(torrents - 1, rank));
    }

    public boolean isSeeder(int peer) {
        return Long.remainderUnsigned(mix(seed + 0x632BE59BD9B4E019L * (peer + 1L)), 100) < seederPercent;
    }

    /** Index of the source address that peer {@code p} sends from. */
    public int sourceOf(int peer) {
        return peer % sources;
    }

    public int portOf(int peer) {
        return FIRST_PORT + peer / sources;
    }

    /** The number of peers that send from source {@code source}. */
    public int peersOfSource(int source) {
        return peers / sources + (source < peers % sources ? 1 : 0);
    }

    /** The {@code k}-th peer of source {@code source}, k from 0 to {@link #peersOfSource} - 1. */
    public int peerOfSource(int source, int k) {
        return source + k * sources;
    }

    /** The loopback address of source {@code index}: 127.a.b.c, never a .0 or .255 octet. */
    public static byte[] sourceAddress(int index) {
        if (index < 0 || index >= MAX_SOURCES) {
            throw new IllegalArgumentException("source index out of range: " + index);
        }
        return new byte[] {127, 1, (byte) (1 + index / 250), (byte) (1 + index % 250)};
    }

    /** Writes torrent {@code rank}'s 20-byte info hash into {@code out} at {@code offset}. */
    public void infoHash(int rank, byte[] out, int offset) {
        long a = hashHigh(rank);
        long b = hashMiddle(rank);
        int c = hashLow(rank);
        for (int i = 0; i < 8; i++) {
            out[offset + i] = (byte) (a >>> (56 - 8 * i));
            out[offset + 8 + i] = (byte) (b >>> (56 - 8 * i));
        }
        for (int i = 0; i < 4; i++) {
            out[offset + 16 + i] = (byte) (c >>> (24 - 8 * i));
        }
    }

    public long hashHigh(int rank) {
        return mix(seed ^ 0x5851F42D4C957F2DL ^ rank);
    }

    public long hashMiddle(int rank) {
        return mix(seed ^ 0x14057B7EF767814FL ^ ((long) rank << 20));
    }

    public int hashLow(int rank) {
        return (int) (mix(seed ^ 0x2545F4914F6CDD1DL ^ ((long) rank << 40)) >>> 32);
    }

    /** Writes the 40 lowercase hex digits of torrent {@code rank}'s hash (opentracker's whitelist format). */
    public void hexInfoHash(int rank, char[] out) {
        byte[] bytes = new byte[20];
        infoHash(rank, bytes, 0);
        for (int i = 0; i < 20; i++) {
            out[2 * i] = Character.forDigit((bytes[i] >> 4) & 15, 16);
            out[2 * i + 1] = Character.forDigit(bytes[i] & 15, 16);
        }
    }

    /** SplitMix64's finaliser: a cheap, well-spread 64-bit mix. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A double in [0, 1) from the top 53 bits. */
    static double unit(long bits) {
        return (bits >>> 11) * 0x1.0p-53;
    }
}
