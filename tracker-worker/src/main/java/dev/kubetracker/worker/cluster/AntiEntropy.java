package dev.kubetracker.worker.cluster;

import dev.kubetracker.worker.cluster.SyncStats.Round;
import dev.kubetracker.worker.swarm.Announce;
import dev.kubetracker.worker.swarm.PeerRecord;
import dev.kubetracker.worker.swarm.SwarmStore;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Brings this worker's store back to its siblings' state after sync loss, on its own thread so the
 * live sync never waits for it. Every interval it takes the next sibling in turn, fetches its shard
 * digests and compares them with this store's; shards that differ are compared again after a settle
 * delay (so changes in flight land), and those that differed both times, at most
 * {@link SnapshotProtocol#MAX_SHARDS_PER_REQUEST} a round, are pulled and merged
 * ({@link SwarmStore#merge}). Siblings pull from this worker the same way, so both ends converge. A
 * sibling that is down or slow costs one failed round: every wait is bounded.
 */
final class AntiEntropy implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AntiEntropy.class);
    static final long SETTLE_MILLIS = 1_000;
    private static final long TIMEOUT_MILLIS = 10_000;
    private static final long MAX_ANSWER_BYTES = 256L << 20;

    private final Membership membership;
    private final ClusterKey key;
    private final SwarmStore store;
    private final SyncStats stats;
    private final long settleMillis;
    private final Announce record = new Announce();
    private final int[] downloaded = new int[1];
    private ScheduledExecutorService scheduler;
    private int nextSibling;
    /** Where the next pull starts among differing shards, so more than one round's worth all get their turn. */
    private int nextShard;

    AntiEntropy(Membership membership, ClusterKey key, SwarmStore store, SyncStats stats, long settleMillis) {
        this.membership = membership;
        this.key = key;
        this.store = store;
        this.stats = stats;
        this.settleMillis = settleMillis;
    }

    void start(long intervalMillis) {
        scheduler = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("cluster-anti-entropy", true));
        scheduler.scheduleWithFixedDelay(this::round, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    private void round() {
        List<InetSocketAddress> siblings = membership.siblings();
        if (siblings.isEmpty()) {
            return;
        }
        InetSocketAddress sibling = siblings.get(Math.floorMod(nextSibling++, siblings.size()));
        try {
            stats.round(roundWith(sibling));
        } catch (RuntimeException e) {
            stats.round(Round.FAILED);
            LOG.warnf(e, "anti-entropy with %s failed", sibling);
        }
    }

    /** One round with one sibling: compare, compare again, pull what differed both times. */
    Round roundWith(InetSocketAddress sibling) {
        try {
            long[] theirs = digests(sibling);
            if (theirs == null) {
                return Round.REFUSED;
            }
            boolean[] differ = differing(theirs, null);
            if (differ == null) {
                return Round.IN_SYNC;
            }
            Thread.sleep(settleMillis);
            theirs = digests(sibling);
            if (theirs == null) {
                return Round.REFUSED;
            }
            differ = differing(theirs, differ);
            if (differ == null) {
                return Round.IN_SYNC;
            }
            pull(sibling, pick(differ));
            return Round.REPAIRED;
        } catch (IOException e) {
            LOG.infof("anti-entropy with %s failed: %s", sibling, e.toString());
            return Round.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Round.FAILED;
        }
    }

    /** Shards whose digests differ from {@code theirs} (and differed in {@code before}, when given); null for none. */
    private boolean[] differing(long[] theirs, boolean[] before) {
        boolean[] differ = new boolean[theirs.length];
        boolean any = false;
        for (int shard = 0; shard < theirs.length; shard++) {
            differ[shard] = (before == null || before[shard]) && theirs[shard] != store.digest(shard);
            any |= differ[shard];
        }
        return any ? differ : null;
    }

    /** At most a request's worth of the differing shards, starting where the last pull stopped. */
    private int[] pick(boolean[] differ) {
        int[] picked = new int[SnapshotProtocol.MAX_SHARDS_PER_REQUEST];
        int n = 0;
        for (int i = 0; i < differ.length && n < picked.length; i++) {
            int shard = (nextShard + i) % differ.length;
            if (differ[shard]) {
                picked[n++] = shard;
            }
        }
        nextShard = (picked[n - 1] + 1) % differ.length;
        return java.util.Arrays.copyOf(picked, n);
    }

    /** The sibling's digests, or null when its shard count differs from ours. */
    private long[] digests(InetSocketAddress sibling) throws IOException {
        try (FrameReader reader = new FrameReader(sibling, key, TIMEOUT_MILLIS, MAX_ANSWER_BYTES)) {
            int shards = store.shardCount();
            if (!ask(reader, SnapshotProtocol.digestsRequest(reader.nonce(), System.currentTimeMillis(), shards,
                    key.signer()))) {
                return null;
            }
            ByteBuffer frame = reader.next();
            received(frame.remaining());
            if (frame.remaining() != Integer.BYTES + shards * Long.BYTES || frame.getInt() != shards) {
                throw new IOException("digests of another shard count");
            }
            long[] digests = new long[shards];
            for (int shard = 0; shard < shards; shard++) {
                digests[shard] = frame.getLong();
            }
            return digests;
        }
    }

    private void pull(InetSocketAddress sibling, int[] shards) throws IOException {
        try (FrameReader reader = new FrameReader(sibling, key, TIMEOUT_MILLIS, MAX_ANSWER_BYTES)) {
            if (!ask(reader, SnapshotProtocol.shardsRequest(reader.nonce(), System.currentTimeMillis(),
                    store.shardCount(), shards, key.signer()))) {
                throw new IOException("the sibling's shard count changed");
            }
            long added = 0;
            long removed = 0;
            long refused = 0;
            for (int shard : shards) {
                ByteBuffer frame = reader.next();
                received(frame.remaining());
                if (!wellFormed(frame.duplicate())) {
                    throw new IOException("malformed record in shard " + shard);
                }
                SwarmStore.ShardMerge merge = store.merge(shard, into -> replay(frame.duplicate(), into));
                added += merge.added();
                removed += merge.removed();
                refused += merge.refused();
                stats.shardsPulled.increment();
            }
            if (reader.next().hasRemaining()) {
                throw new IOException("no end frame");
            }
            received(0);
            stats.peersAddedByRepair.add(added);
            stats.peersRemovedByRepair.add(removed);
            stats.recordsRefused(SyncStats.Source.ANTI_ENTROPY).add(refused);
            LOG.debugf("anti-entropy pulled %d shards from %s: %d peers added, %d removed, %d refused",
                    shards.length, sibling, added, removed, refused);
        }
    }

    /** Sends the request; true when the sibling answers "here it comes", false when its shard count differs. */
    private boolean ask(FrameReader reader, byte[] request) throws IOException {
        stats.antiEntropyBytesSent.add(request.length);
        int status = reader.ask(request);
        stats.antiEntropyBytesReceived.add(SnapshotProtocol.STATUS_BYTES);
        if (status == SnapshotProtocol.STATUS_SHARD_COUNT_MISMATCH) {
            LOG.warnf("a sibling has another tracker.store-shards than this worker's %d: anti-entropy cannot compare",
                    store.shardCount());
            return false;
        }
        if (status != SnapshotProtocol.STATUS_OK) {
            throw new IOException(status == SnapshotProtocol.STATUS_NOT_READY ? "not ready" : "status " + status);
        }
        return true;
    }

    private void received(int recordBytes) {
        stats.antiEntropyBytesReceived.add(recordBytes + SnapshotProtocol.FRAME_OVERHEAD_BYTES);
    }

    private boolean wellFormed(ByteBuffer records) {
        while (records.hasRemaining()) {
            int type = SyncRecords.read(records, record, downloaded);
            if (type != SyncRecords.SNAPSHOT_PEER && type != SyncRecords.DOWNLOADED && type != SyncRecords.TOMBSTONE) {
                return false;
            }
        }
        return true;
    }

    /** Feeds a verified, well-formed shard frame to a merge (under the shard's lock: parsing only). */
    private void replay(ByteBuffer records, SwarmStore.ShardMerge merge) {
        Announce a = record;
        while (records.hasRemaining()) {
            int type = SyncRecords.read(records, a, downloaded);
            long h = a.infoHash.high;
            long m = a.infoHash.middle;
            int l = a.infoHash.low;
            if (type == SyncRecords.DOWNLOADED) {
                merge.downloaded(h, m, l, downloaded[0]);
            } else if (type == SyncRecords.TOMBSTONE) {
                merge.tombstone(h, m, l, a.family, a.address4, a.address6High, a.address6Low, a.port, a.ageMinutes);
            } else {
                int flags = (a.isSeeder() ? PeerRecord.SEEDER : 0) | (a.completedBefore ? PeerRecord.COMPLETED : 0);
                merge.peer(h, m, l, a.family, a.address4, a.address6High, a.address6Low, a.port, flags, a.ageMinutes);
            }
        }
    }

    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}
