package dev.kubetracker.worker.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.jboss.logging.Logger;

/**
 * The sync thread: drains the outbox into datagrams of at most {@link SyncDatagram#MAX_BYTES}, signs
 * each, and sends it to every sibling. A datagram leaves when it is full or when the queue runs dry,
 * so a lone change waits only for the thread to wake (a few milliseconds), well within 250 ms. With
 * no siblings the changes are discarded.
 */
final class SyncSender implements Runnable {
    private static final Logger LOG = Logger.getLogger(SyncSender.class);
    private static final long IDLE_PARK_NANOS = 2_000_000;

    private final SyncOutbox outbox;
    private final Membership membership;
    private final ClusterKey.Signer signer;
    private final long senderId;
    private final SyncStats stats;
    private final DatagramChannel channel;
    private final ByteBuffer datagram = ByteBuffer.allocate(SyncDatagram.MAX_BYTES);
    private final ByteBuffer records = ByteBuffer.allocate(SyncDatagram.MAX_RECORD_BYTES);
    private int recordCount;
    private long sequence;
    private volatile boolean running = true;

    SyncSender(SyncOutbox outbox, Membership membership, ClusterKey key, long senderId, SyncStats stats)
            throws IOException {
        this.outbox = outbox;
        this.membership = membership;
        this.signer = key.signer();
        this.senderId = senderId;
        this.stats = stats;
        this.channel = DatagramChannel.open();
    }

    @Override
    public void run() {
        while (running) {
            SyncChange change = outbox.poll();
            if (change == null) {
                sendPending();
                LockSupport.parkNanos(IDLE_PARK_NANOS);
                continue;
            }
            try {
                if (!change.writeTo(records)) {
                    sendPending();
                    change.writeTo(records);
                }
                recordCount++;
            } catch (RuntimeException e) {
                LOG.error("sync encode failed", e);
            } finally {
                outbox.recycle(change);
            }
        }
    }

    private void sendPending() {
        if (recordCount == 0) {
            return;
        }
        try {
            List<InetSocketAddress> siblings = membership.siblings();
            if (siblings.isEmpty()) {
                return;
            }
            SyncDatagram.encode(datagram, senderId, System.currentTimeMillis(), ++sequence, records, recordCount,
                    signer);
            for (InetSocketAddress sibling : siblings) {
                try {
                    channel.send(datagram.duplicate(), sibling);
                    stats.datagramsSent.increment();
                    stats.recordsSent.add(recordCount);
                } catch (IOException e) {
                    stats.sendErrors.increment();
                    LOG.debugf("sync datagram to %s failed: %s", sibling, e);
                }
            }
        } catch (RuntimeException e) {
            LOG.error("sync send failed", e);
        } finally {
            records.clear();
            recordCount = 0;
        }
    }

    void stop() {
        running = false;
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing the sync sender", e);
        }
    }
}
