package dev.kubetracker.worker.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.jboss.logging.Logger;

/**
 * The sync thread: takes full batches from the outbox, signs each as one datagram, and sends it to
 * every sibling. With no siblings the batches are recycled unsent.
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
            ChangeBatch batch = outbox.poll();
            if (batch == null) {
                LockSupport.parkNanos(IDLE_PARK_NANOS);
                continue;
            }
            try {
                send(batch);
            } catch (RuntimeException e) {
                LOG.error("sync send failed", e);
            } finally {
                outbox.recycle(batch);
            }
        }
    }

    private void send(ChangeBatch batch) {
        List<InetSocketAddress> siblings = membership.siblings();
        if (siblings.isEmpty() || batch.count == 0) {
            return;
        }
        SyncDatagram.encode(datagram, senderId, System.currentTimeMillis(), ++sequence, batch.records, batch.count,
                signer);
        for (InetSocketAddress sibling : siblings) {
            try {
                channel.send(datagram.duplicate(), sibling);
                stats.datagramsSent.increment();
                stats.recordsSent.add(batch.count);
            } catch (IOException e) {
                stats.sendErrors.increment();
                LOG.debugf("sync datagram to %s failed: %s", sibling, e);
            }
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
