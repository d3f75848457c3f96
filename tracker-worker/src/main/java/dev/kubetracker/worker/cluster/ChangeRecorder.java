package dev.kubetracker.worker.cluster;

import dev.kubetracker.worker.swarm.Announce;

/**
 * One frontend thread's view of the sync outbox: appends each accepted change to the thread's
 * current batch and hands the batch over when it is full or when {@link #flush} runs (the frontend
 * schedules it on its own thread every 100 ms). Used by one thread only.
 */
public final class ChangeRecorder {
    /** A recorder for a worker without siblings: records nothing. */
    public static final ChangeRecorder NONE = new ChangeRecorder(null);

    private final SyncOutbox outbox;
    private ChangeBatch current;

    ChangeRecorder(SyncOutbox outbox) {
        this.outbox = outbox;
    }

    public void record(Announce a) {
        if (outbox == null) {
            return;
        }
        if (current == null) {
            current = outbox.borrow();
        }
        if (!SyncRecords.putChange(current.records, a)) {
            outbox.submit(current);
            current = outbox.borrow();
            SyncRecords.putChange(current.records, a);
        }
        current.count++;
    }

    public void flush() {
        if (current != null && current.count > 0) {
            outbox.submit(current);
            current = null;
        }
    }
}
