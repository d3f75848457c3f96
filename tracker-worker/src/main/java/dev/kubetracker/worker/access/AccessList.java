package dev.kubetracker.worker.access;

/**
 * Which torrents this tracker serves: all ({@code off}), all but the listed ({@code blacklist}), or
 * only the listed ({@code whitelist}). The list is an immutable {@link InfoHashSet} swapped in whole by
 * a reload, so a request in flight sees the old list or the new one, never half of one, and never
 * waits on a lock.
 */
public final class AccessList {
    public enum Mode {
        OFF, BLACKLIST, WHITELIST
    }

    public static final String REFUSAL = "Requested download is not authorized for use with this tracker.";

    private final Mode mode;
    private volatile InfoHashSet hashes = InfoHashSet.EMPTY;

    public AccessList(Mode mode) {
        this.mode = mode;
    }

    public static AccessList off() {
        return new AccessList(Mode.OFF);
    }

    public Mode mode() {
        return mode;
    }

    public boolean allows(long high, long middle, int low) {
        return switch (mode) {
            case OFF -> true;
            case BLACKLIST -> !hashes.contains(high, middle, low);
            case WHITELIST -> hashes.contains(high, middle, low);
        };
    }

    public int size() {
        return hashes.size();
    }

    /** Swaps in a new list whole (the reloader does; requests in flight see the old or the new one). */
    public void replace(InfoHashSet newHashes) {
        hashes = newHashes;
    }
}
