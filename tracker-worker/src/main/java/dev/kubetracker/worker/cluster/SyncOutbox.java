package dev.kubetracker.worker.cluster;

import dev.kubetracker.worker.swarm.Announce;
import java.util.concurrent.atomic.LongAdder;
import org.jctools.queues.MpmcArrayQueue;
import org.jctools.queues.MpscArrayQueue;

/**
 * Hands accepted changes from the frontend threads to the sync sender without locks and without
 * blocking: a bounded MPSC queue of changes, and a pool of change holders to reuse, so steady state
 * allocates nothing. A change is queued before the client gets its reply, so one client's successive
 * changes leave in the order it made them. When the sender falls behind and the queue is full, the
 * change is dropped and counted: the frontends never wait.
 */
public final class SyncOutbox implements ChangeLog {
    private final MpscArrayQueue<SyncChange> ready;
    private final MpmcArrayQueue<SyncChange> free;
    private final LongAdder dropped = new LongAdder();

    SyncOutbox(int capacity) {
        ready = new MpscArrayQueue<>(capacity);
        free = new MpmcArrayQueue<>(capacity);
    }

    @Override
    public void record(Announce a) {
        SyncChange change = free.poll();
        if (change == null) {
            change = new SyncChange();
        }
        change.set(a);
        if (!ready.offer(change)) {
            dropped.increment();
            free.offer(change);
        }
    }

    SyncChange poll() {
        return ready.poll();
    }

    void recycle(SyncChange change) {
        free.offer(change); // a full pool just lets it go
    }

    int depth() {
        return ready.size();
    }

    long dropped() {
        return dropped.sum();
    }
}
