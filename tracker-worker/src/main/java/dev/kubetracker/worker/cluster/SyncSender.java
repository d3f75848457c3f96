package dev.kubetracker.worker.cluster;

import dev.kubetracker.worker.agent.Agent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Drains the outbox into datagrams of at most {@link SyncDatagram#MAX_BYTES}, signs each, and sends it
 * to every sibling. Each doWork takes at most {@link #BATCH} changes; a datagram leaves when it is full
 * or when the queue runs dry, so a lone change waits only for the runner's next call (its idle
 * backoff caps at about a millisecond). With no siblings the changes are discarded.
 */
final class SyncSender implements Agent {
    private static final Logger LOG = Logger.getLogger(SyncSender.class);
    static final int BATCH = 256;

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
    public int doWork() {
        int taken = 0;
        while (taken < BATCH) {
            SyncChange change = outbox.poll();
            if (change == null) {
                break;
            }
            taken++;
            try {
                if (!change.writeTo(records)) {
                    sendPending();
                    change.writeTo(records);
                }
                recordCount++;
            } finally {
                outbox.recycle(change);
            }
        }
        if (taken < BATCH) {
            sendPending(); // the queue ran dry: what is packed leaves now
        }
        return taken;
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
        } finally {
            records.clear();
            recordCount = 0;
        }
    }

    @Override
    public void onClose() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing the sync sender", e);
        }
    }

    @Override
    public String roleName() {
        return "cluster-sync-send";
    }
}
