package dev.kubetracker.worker.cluster;

import dev.kubetracker.worker.agent.Agent;
import dev.kubetracker.worker.cluster.SyncStats.Drop;
import dev.kubetracker.worker.swarm.Announce;
import dev.kubetracker.worker.swarm.AnnounceReply;
import dev.kubetracker.worker.swarm.SwarmStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import org.jboss.logging.Logger;

/**
 * Receives sync datagrams on the sync port, checks them (size, magic, MAC, time window, replay) and
 * applies their records to the store as sync-learned peers, which are never sent on again. A datagram
 * is applied whole or not at all: every record is checked before the first is applied. The channel
 * is non-blocking: each doWork takes what has arrived, at most {@link #BATCH} datagrams.
 */
final class SyncReceiver implements Agent {
    private static final Logger LOG = Logger.getLogger(SyncReceiver.class);
    /** Datagrams sent longer ago (or further ahead, by clock skew) than this are stale. */
    static final long MAX_AGE_MILLIS = 30_000;
    static final int BATCH = 64;

    private final DatagramChannel channel;
    private final SwarmStore store;
    private final ClusterKey.Signer verifier;
    private final long ownSenderId;
    private final SyncStats stats;
    private final ReplayGuard replays;
    private final ByteBuffer buffer = ByteBuffer.allocate(65536);
    private final Announce announce = new Announce();
    private final AnnounceReply reply = new AnnounceReply(1);
    private final int[] downloaded = new int[1];

    SyncReceiver(DatagramChannel channel, SwarmStore store, ClusterKey key, long ownSenderId, SyncStats stats) {
        this.channel = channel;
        this.store = store;
        this.verifier = key.signer();
        this.ownSenderId = ownSenderId;
        this.stats = stats;
        this.replays = new ReplayGuard(stats.datagramsLost);
    }

    @Override
    public int doWork() throws IOException {
        int received = 0;
        while (received < BATCH) {
            buffer.clear();
            if (channel.receive(buffer) == null) {
                break;
            }
            received++;
            buffer.flip();
            handle(buffer, System.currentTimeMillis());
        }
        return received;
    }

    @Override
    public void onClose() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing the sync port", e);
        }
    }

    @Override
    public String roleName() {
        return "cluster-sync-receive";
    }

    /** Checks and applies one datagram; package-private so tests can feed it directly. */
    void handle(ByteBuffer in, long nowMillis) {
        int length = in.remaining();
        if (length < SyncDatagram.MIN_BYTES) {
            stats.drop(Drop.TRUNCATED);
            return;
        }
        if (SyncDatagram.magic(in) != SyncDatagram.MAGIC) {
            stats.drop(Drop.BAD_MAGIC);
            return;
        }
        int macAt = SyncDatagram.macOffset(length);
        if (!verifier.verify(null, in.array(), 0, macAt, in.array(), macAt)) {
            stats.drop(Drop.BAD_MAC);
            return;
        }
        long senderId = SyncDatagram.senderId(in);
        long sentAt = SyncDatagram.sentAt(in);
        long sequence = SyncDatagram.sequence(in);
        int count = SyncDatagram.recordCount(in);
        if (senderId == ownSenderId) {
            stats.drop(Drop.OWN);
            return;
        }
        if (Math.abs(nowMillis - sentAt) > MAX_AGE_MILLIS) {
            stats.drop(Drop.STALE);
            return;
        }
        ByteBuffer records = in.duplicate().position(SyncDatagram.HEADER_BYTES).limit(macAt);
        if (!wellFormed(records.duplicate(), count)) {
            stats.drop(Drop.MALFORMED_RECORD);
            return;
        }
        if (!replays.accept(senderId, sequence, nowMillis)) {
            stats.drop(Drop.REPLAYED);
            return;
        }
        stats.datagramsReceived.increment();
        for (int i = 0; i < count; i++) {
            int type = SyncRecords.read(records, announce, downloaded);
            if (type != SyncRecords.DOWNLOADED && type != SyncRecords.SNAPSHOT_PEER
                    && store.announce(announce, reply) == SwarmStore.Outcome.FULL) {
                stats.recordsRefused(SyncStats.Source.SYNC).increment();
            }
        }
        stats.recordsReceived.add(count);
    }

    private boolean wellFormed(ByteBuffer records, int count) {
        for (int i = 0; i < count; i++) {
            int type = SyncRecords.read(records, announce, downloaded);
            if (type < SyncRecords.ANNOUNCE || type > SyncRecords.STOPPED) {
                return false; // live datagrams carry client changes only
            }
        }
        return !records.hasRemaining();
    }
}
