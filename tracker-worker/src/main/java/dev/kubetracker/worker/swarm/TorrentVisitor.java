package dev.kubetracker.worker.swarm;

/** Receives one torrent's hash and counts during an iteration of the store (full scrape, stats). */
@FunctionalInterface
public interface TorrentVisitor {
    void visit(long hashHigh, long hashMiddle, int hashLow, int seeders, int leechers, int downloaded);
}
