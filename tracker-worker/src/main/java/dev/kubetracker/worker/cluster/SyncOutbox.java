package dev.kubetracker.worker.cluster;

import java.util.concurrent.atomic.LongAdder;
import org.jctools.queues.MpmcArrayQueue;
import org.jctools.queues.MpscArrayQueue;

/**
 * Hands full batches of changes from the frontend threads to the sync sender without locks and
 * without blocking: a bounded MPSC queue of batches to send, and a pool of empty batches to reuse, so
 * steady state allocates nothing. When the sender falls behind and the queue is full, the batch's
 * changes are dropped and counted (the frontends never wait).
 */
final class SyncOutbox {
    private final MpscArrayQueue<ChangeBatch> ready;
    private final MpmcArrayQueue<ChangeBatch> free;
    final LongAdder droppedRecords = new LongAdder();

    SyncOutbox(int capacity) {
        ready = new MpscArrayQueue<>(capacity);
        free = new MpmcArrayQueue<>(capacity);
    }

    ChangeBatch borrow() {
        ChangeBatch b = free.poll();
        return b != null ? b : new ChangeBatch();
    }

    void submit(ChangeBatch batch) {
        if (!ready.offer(batch)) {
            droppedRecords.add(batch.count);
            recycle(batch);
        }
    }

    ChangeBatch poll() {
        return ready.poll();
    }

    void recycle(ChangeBatch batch) {
        batch.clear();
        free.offer(batch); // a full pool just lets the batch go
    }

    int depth() {
        return ready.size();
    }
}
