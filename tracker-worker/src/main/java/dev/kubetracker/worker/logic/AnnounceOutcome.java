package dev.kubetracker.worker.logic;

import dev.kubetracker.worker.access.AccessList;
import dev.kubetracker.worker.stats.RequestCounters.ErrorReason;

/**
 * What {@link TrackerLogic#announce} decided. A refusal carries the words every frontend sends (an
 * HTTP {@code failure reason}, a UDP error packet), so both protocols refuse alike.
 */
public enum AnnounceOutcome {
    /** The reply holds counts, interval and peers. */
    SERVED(null, null),
    /** The access list refuses the torrent. */
    NOT_AUTHORIZED(ErrorReason.NOT_AUTHORIZED, AccessList.REFUSAL),
    /** A new torrent while the store holds all it may. */
    TRACKER_FULL(ErrorReason.TRACKER_FULL, "tracker full: no new torrents are accepted now"),
    /** The client is over its requests per second. */
    RATE_LIMITED(ErrorReason.RATE_LIMITED, "rate limited: too many requests from your address, slow down"),
    /** A new torrent from a client over its new torrents per minute. */
    TORRENT_RATE_LIMITED(ErrorReason.TORRENT_RATE_LIMITED, "rate limited: too many new torrents from your address");

    private final ErrorReason reason;
    private final String failureReason;

    AnnounceOutcome(ErrorReason reason, String failureReason) {
        this.reason = reason;
        this.failureReason = failureReason;
    }

    /** The counter a refusal is counted under; null when served. */
    public ErrorReason reason() {
        return reason;
    }

    /** The text a refused client is sent; null when served. */
    public String failureReason() {
        return failureReason;
    }
}
