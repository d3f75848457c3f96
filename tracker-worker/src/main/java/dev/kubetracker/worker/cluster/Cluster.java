package dev.kubetracker.worker.cluster;

import dev.kubetracker.worker.swarm.SwarmStore;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * This worker's part in a cluster: the sync port (UDP for live changes, TCP for snapshots), the
 * membership, the sender and receiver threads, and the start-up snapshot. See SYNC.md for the wire
 * format and the rules (docs/SYNC.md in the repository).
 */
public final class Cluster implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Cluster.class);
    private static final int OUTBOX_CHANGES = 1 << 16;
    private static final long MAX_SNAPSHOT_BYTES = 4L << 30;

    /** What a cluster needs from the configuration. */
    public record Settings(String host, int port, List<String> peers, java.util.Optional<String> dns, byte[] key,
                           Duration dnsRefresh, Duration snapshotTimeout) {
    }

    private final Settings settings;
    private final SwarmStore store;
    private final ClusterKey key;
    private final long senderId = new SecureRandom().nextLong();
    private final SyncStats stats = new SyncStats();
    private final SyncOutbox outbox = new SyncOutbox(OUTBOX_CHANGES);
    private final Membership membership;
    private final DatagramChannel syncChannel;
    private final ServerSocket snapshotSocket;
    private final SyncSender sender;
    private final ScheduledExecutorService refresher;

    private Cluster(Settings settings, SwarmStore store, BooleanSupplier ready) throws IOException {
        this.settings = settings;
        this.store = store;
        this.key = new ClusterKey(settings.key());
        this.membership = new Membership(Membership.split(settings.peers()), settings.dns(), settings.port());
        InetSocketAddress bind = new InetSocketAddress(settings.host(), settings.port());
        this.syncChannel = bind.getAddress() instanceof java.net.Inet4Address
                ? DatagramChannel.open(StandardProtocolFamily.INET) : DatagramChannel.open();
        syncChannel.bind(bind);
        this.snapshotSocket = new ServerSocket();
        snapshotSocket.setReuseAddress(true);
        snapshotSocket.bind(bind);
        this.sender = new SyncSender(outbox, membership, key, senderId, stats);
        membership.refresh();
        this.refresher = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("cluster-membership", true));
        long every = Math.max(1, settings.dnsRefresh().toMillis());
        refresher.scheduleWithFixedDelay(membership::refresh, every, every, TimeUnit.MILLISECONDS);
        new DefaultThreadFactory("cluster-sync-send", true).newThread(sender).start();
        new DefaultThreadFactory("cluster-sync-receive", true).newThread(new SyncReceiver(syncChannel, store, key, senderId, stats)).start();
        new DefaultThreadFactory("cluster-snapshot", true).newThread(new SnapshotServer(snapshotSocket, store, key, ready, stats)).start();
        LOG.infof("cluster sync on %s (UDP changes, TCP snapshots), siblings %s", bind, membership.siblings());
    }

    /** Binds the sync port and starts syncing; {@code ready} says when this worker may serve snapshots. */
    public static Cluster start(Settings settings, SwarmStore store, BooleanSupplier ready) throws IOException {
        return new Cluster(settings, store, ready);
    }

    /** Where the frontends record changes for the siblings. */
    public ChangeLog changeLog() {
        return outbox;
    }

    /**
     * Loads the swarm state from the first ready sibling that answers; returns when loaded, or at once
     * when no sibling is ready (this worker is the first). Changes arriving meanwhile are applied too.
     */
    public void bootstrap() {
        List<InetSocketAddress> siblings = membership.siblings();
        if (siblings.isEmpty()) {
            LOG.info("no siblings: starting with an empty swarm state");
            return;
        }
        for (InetSocketAddress sibling : siblings) {
            long started = System.nanoTime();
            SnapshotClient.Result result = SnapshotClient.fetch(sibling, key, store,
                    settings.snapshotTimeout().toMillis(), MAX_SNAPSHOT_BYTES);
            long millis = (System.nanoTime() - started) / 1_000_000;
            switch (result.outcome()) {
                case LOADED -> {
                    stats.snapshotsLoaded.increment();
                    stats.lastSnapshotMillis = millis;
                    LOG.infof("snapshot from %s: %d records, %d bytes, %d ms", sibling, result.records(),
                            result.bytes(), millis);
                    return;
                }
                case NOT_READY -> LOG.infof("sibling %s is not ready yet", sibling);
                case FAILED -> {
                    stats.snapshotFailures.increment();
                    LOG.infof("no snapshot from %s: %s", sibling, result.detail());
                }
            }
        }
        LOG.info("no sibling could give a snapshot: starting with the state sync brings");
    }

    public Membership membership() {
        return membership;
    }

    public SyncStats stats() {
        return stats;
    }

    public int outboxDepth() {
        return outbox.depth();
    }

    public long droppedChanges() {
        return outbox.dropped();
    }

    @Override
    public void close() {
        refresher.shutdownNow();
        sender.stop();
        try {
            syncChannel.close();
            snapshotSocket.close();
        } catch (IOException e) {
            LOG.debug("closing the sync port", e);
        }
    }
}
