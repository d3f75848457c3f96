package dev.kubetracker.worker.cluster;

import dev.kubetracker.worker.agent.AgentRunner;
import dev.kubetracker.worker.agent.BackoffIdleStrategy;
import dev.kubetracker.worker.swarm.SwarmStore;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
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
 * membership, the sender, receiver and snapshot agents (each on its own runner thread), and the
 * start-up snapshot. See SYNC.md for the wire format and the rules (docs/SYNC.md in the repository).
 */
public final class Cluster implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Cluster.class);
    private static final int OUTBOX_CHANGES = 1 << 16;
    private static final long MAX_SNAPSHOT_BYTES = 4L << 30;

    /** What a cluster needs from the configuration. */
    public record Settings(String host, int port, List<String> peers, java.util.Optional<String> dns, ClusterKey key,
                           Duration dnsRefresh, Duration snapshotTimeout, Duration antiEntropyInterval) {
    }

    private final Settings settings;
    private final SwarmStore store;
    private final ClusterKey key;
    private final long senderId = new SecureRandom().nextLong();
    private final SyncStats stats = new SyncStats();
    private final SyncOutbox outbox = new SyncOutbox(OUTBOX_CHANGES);
    private final HostLookup lookup;
    private final Membership membership;
    private final ScheduledExecutorService refresher;
    private final List<AgentRunner> runners;
    private final AntiEntropy antiEntropy;

    private Cluster(Settings settings, SwarmStore store, BooleanSupplier ready) throws IOException {
        this.settings = settings;
        this.store = store;
        this.key = settings.key();
        InetSocketAddress bind = new InetSocketAddress(settings.host(), settings.port());
        this.lookup = HostLookup.system();
        this.membership = new Membership(Membership.split(settings.peers()), settings.dns(), bind, lookup);
        DatagramChannel syncChannel = bind.getAddress() instanceof java.net.Inet4Address
                ? DatagramChannel.open(StandardProtocolFamily.INET) : DatagramChannel.open();
        ServerSocketChannel snapshotChannel = ServerSocketChannel.open();
        try {
            syncChannel.bind(bind).configureBlocking(false);
            snapshotChannel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            snapshotChannel.bind(bind).configureBlocking(false);
        } catch (IOException | RuntimeException e) {
            syncChannel.close();
            snapshotChannel.close();
            lookup.close();
            throw e;
        }
        membership.refresh();
        this.refresher = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("cluster-membership", true));
        long every = Math.max(1, settings.dnsRefresh().toMillis());
        refresher.scheduleWithFixedDelay(membership::refresh, every, every, TimeUnit.MILLISECONDS);
        this.runners = List.of(
                new AgentRunner(new SyncSender(outbox, membership, key, senderId, stats), BackoffIdleStrategy.standard()),
                new AgentRunner(new SyncReceiver(syncChannel, store, key, senderId, stats), BackoffIdleStrategy.standard()),
                new AgentRunner(new SnapshotServer(snapshotChannel, store, key, ready, stats),
                        BackoffIdleStrategy.standard()));
        runners.forEach(AgentRunner::start);
        this.antiEntropy = new AntiEntropy(membership, key, store, stats, AntiEntropy.SETTLE_MILLIS);
        if (settings.antiEntropyInterval().toMillis() > 0) {
            antiEntropy.start(settings.antiEntropyInterval().toMillis());
        }
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
        SnapshotBootstrap snapshot = new SnapshotBootstrap(key, store, stats, settings.snapshotTimeout().toMillis(),
                MAX_SNAPSHOT_BYTES);
        if (snapshot.loadFromFirstReady(siblings) == null) {
            LOG.info("no sibling could give a snapshot: starting with the state sync brings");
        }
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

    /** Exceptions the sender, receiver and snapshot agents met so far (each logged). */
    public long agentErrors() {
        return runners.stream().mapToLong(AgentRunner::errors).sum();
    }

    @Override
    public void close() {
        refresher.shutdownNow();
        antiEntropy.close();
        lookup.close();
        runners.forEach(AgentRunner::close); // each agent closes its own channel
    }
}
