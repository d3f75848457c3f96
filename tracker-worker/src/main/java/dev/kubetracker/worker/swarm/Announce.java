package dev.kubetracker.worker.swarm;

/**
 * One decoded announce, filled in place by a frontend and reused for the next request on the same
 * thread (no allocation per request).
 */
public final class Announce {
    public enum Event {
        NONE, COMPLETED, STARTED, STOPPED
    }

    public final InfoHash infoHash = new InfoHash();
    /** 4 or 6. */
    public int family;
    /** IPv4 address, when family is 4. */
    public int address4;
    /** IPv6 address, high and low halves, when family is 6. */
    public long address6High;
    public long address6Low;
    public int port;
    public Event event = Event.NONE;
    /** Bytes left to download; 0 makes a seeder. */
    public long left;
    /** Peers wanted, already clamped by the frontend to what its reply can carry. */
    public int numwant;
    /** HTTP replies carry both families (numwant left over goes to the other); UDP replies only the requester's. */
    public boolean bothFamilies;
    /** Learned from a sibling worker rather than from the client itself. */
    public boolean fromSync;
    /** Minutes since the peer was last seen (a sibling's snapshot carries it; 0 for live changes). */
    public int ageMinutes;
    /** From a sibling's snapshot: the peer's download was counted already (in the torrent's count). */
    public boolean completedBefore;
    /** False when the client may not create a torrent now (its per-client limit): a new one is refused. */
    public boolean mayCreateTorrent = true;

    public boolean isSeeder() {
        return left == 0;
    }

    public void clear() {
        infoHash.clear();
        family = 4;
        address4 = 0;
        address6High = 0;
        address6Low = 0;
        port = 0;
        event = Event.NONE;
        left = -1;
        numwant = 0;
        fromSync = false;
        bothFamilies = false;
        ageMinutes = 0;
        completedBefore = false;
        mayCreateTorrent = true;
    }
}
