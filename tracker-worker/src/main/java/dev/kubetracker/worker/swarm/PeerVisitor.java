package dev.kubetracker.worker.swarm;

/** Receives one peer during an iteration of the store (snapshots for starting siblings). */
@FunctionalInterface
public interface PeerVisitor {
    /**
     * @param family 4 or 6; for 4, {@code address4} holds the address, for 6 {@code high} and {@code low}
     * @param flags {@link PeerRecord} flags
     * @param ageMinutes minutes since the peer was last seen
     */
    void visit(long hashHigh, long hashMiddle, int hashLow, int family, int address4, long high, long low, int port,
               int flags, int ageMinutes);
}
