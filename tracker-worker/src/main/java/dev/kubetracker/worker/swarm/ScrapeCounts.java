package dev.kubetracker.worker.swarm;

/** Counts of one torrent, filled in place by {@link SwarmStore#scrape}. */
public final class ScrapeCounts {
    public int seeders;
    public int leechers;
    public int downloaded;

    public void clear() {
        seeders = 0;
        leechers = 0;
        downloaded = 0;
    }
}
