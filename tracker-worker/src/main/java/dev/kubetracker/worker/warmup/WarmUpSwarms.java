package dev.kubetracker.worker.warmup;

import dev.kubetracker.worker.swarm.TorrentRows;
import java.util.SplittableRandom;

/**
 * The made-up population the warm-up announces for: torrents of skewed popularity (a few large swarms,
 * many small ones), peers of both families, three in four seeders, each peer on one protocol and one
 * torrent. Its state follows what each peer has said (started, completed, stopped), so the requests
 * built from it are the sequences real clients send. Deterministic for a seed.
 */
final class WarmUpSwarms {
    /** Share of peers on IPv6 and on HTTP (the rest on IPv4, on UDP). */
    private static final double V6 = 0.25;
    private static final double HTTP = 0.25;
    private static final double SEEDERS = 0.75;

    final int torrents;
    final int peers;
    private final long[] hashHigh;
    private final long[] hashMiddle;
    private final int[] hashLow;

    final int[] torrentOf;
    final byte[] family;
    final int[] v4;
    final long[] v6High;
    final long[] v6Low;
    final int[] port;
    final long[] left;
    final boolean[] http;
    final boolean[] started;
    /** The UDP connection id the peer holds, 0 when it must connect first. */
    final long[] connectionId;
    final byte[][] peerId;

    WarmUpSwarms(int requests, SplittableRandom random) {
        peers = Math.max(64, Math.min(1 << 18, requests / 4));
        torrents = Math.max(16, peers / 2);
        hashHigh = new long[torrents];
        hashMiddle = new long[torrents];
        hashLow = new int[torrents];
        for (int t = 0; t < torrents; t++) {
            hashHigh[t] = random.nextLong();
            hashMiddle[t] = random.nextLong();
            hashLow[t] = random.nextInt();
        }
        torrentOf = new int[peers];
        family = new byte[peers];
        v4 = new int[peers];
        v6High = new long[peers];
        v6Low = new long[peers];
        port = new int[peers];
        left = new long[peers];
        http = new boolean[peers];
        started = new boolean[peers];
        connectionId = new long[peers];
        peerId = new byte[peers][];
        for (int p = 0; p < peers; p++) {
            double u = random.nextDouble();
            torrentOf[p] = (int) (torrents * u * u * u); // popularity falls steeply with rank
            if (random.nextDouble() < V6) {
                family[p] = 6;
                v6High[p] = 0x2001_0db8_0000_0000L | random.nextLong(1L << 32) << 16;
                v6Low[p] = random.nextLong();
            } else {
                family[p] = 4;
                v4[p] = 0x0B00_0000 + random.nextInt(0x4000_0000); // public-looking unicast
            }
            port[p] = 1024 + random.nextInt(64_000);
            left[p] = random.nextDouble() < SEEDERS ? 0 : 1 + random.nextLong(1L << 32);
            http[p] = random.nextDouble() < HTTP;
            peerId[p] = ("-qB4650-" + Long.toString(random.nextLong(1L << 60) | 1L << 59, 36)).substring(0, 20)
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
    }

    long high(int torrent) {
        return hashHigh[torrent];
    }

    long middle(int torrent) {
        return hashMiddle[torrent];
    }

    int low(int torrent) {
        return hashLow[torrent];
    }

    /** Every torrent, for a private whitelist that admits them (a copy: the set sorts the rows it is built from). */
    TorrentRows rows() {
        TorrentRows rows = new TorrentRows(torrents);
        for (int t = 0; t < torrents; t++) {
            rows.visit(hashHigh[t], hashMiddle[t], hashLow[t], 0, 0, 0);
        }
        return rows;
    }
}
