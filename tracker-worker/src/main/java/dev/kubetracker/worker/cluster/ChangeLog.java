package dev.kubetracker.worker.cluster;

import dev.kubetracker.worker.swarm.Announce;

/** Where frontends record each change a client made, for the siblings. */
@FunctionalInterface
public interface ChangeLog {
    /** A worker without siblings: records nothing. */
    ChangeLog NONE = a -> { };

    /** Called after the store accepted the announce and before the client gets its reply. */
    void record(Announce a);
}
