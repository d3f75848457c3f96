package dev.kubetracker.worker.swarm;

/**
 * What the store answers to one announce: the swarm's counts and the selected peers, packed as in
 * {@link PeerRecord}. One instance per frontend thread, reused.
 */
public final class AnnounceReply {
    public int seeders;
    public int leechers;
    public int downloaded;
    /** Seconds until the client should announce again (set by the tracker logic, with its spread). */
    public int interval;
    /** Whether this announce created the torrent (set by the store). */
    public boolean createdTorrent;

    public final long[] peers4;
    public int peers4Count;
    /** Three longs per peer: address high, address low, tail. */
    public final long[] peers6;
    public int peers6Count;

    public AnnounceReply(int maxPeers) {
        peers4 = new long[maxPeers];
        peers6 = new long[maxPeers * 3];
    }

    public int capacity() {
        return peers4.length;
    }

    void clear() {
        seeders = 0;
        leechers = 0;
        downloaded = 0;
        interval = 0;
        createdTorrent = false;
        peers4Count = 0;
        peers6Count = 0;
    }
}
