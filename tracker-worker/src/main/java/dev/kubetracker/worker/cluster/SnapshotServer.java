package dev.kubetracker.worker.cluster;

import dev.kubetracker.worker.agent.Agent;
import dev.kubetracker.worker.swarm.SwarmStore;
import dev.kubetracker.worker.swarm.TorrentRows;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * Serves the swarm state to starting siblings, and digests and shards to siblings' anti-entropy (see
 * {@link SnapshotProtocol}) from one agent over a
 * non-blocking server socket: it accepts, and advances at most {@link #MAX_TRANSFERS} transfers a
 * little on each doWork. Each shard is copied under its lock, then written without it, as far as the
 * socket takes it. A transfer that makes no progress for the stall time (a client that sends no
 * request, or stops reading) is closed, so it cannot hold a slot for ever.
 */
final class SnapshotServer implements Agent {
    private static final Logger LOG = Logger.getLogger(SnapshotServer.class);
    static final int MAX_TRANSFERS = 2;
    static final long STALL_MILLIS = 10_000;
    /** Frames one transfer may write per doWork, so two transfers take turns. */
    private static final int FRAMES_PER_CALL = 4;

    private final ServerSocketChannel server;
    private final SwarmStore store;
    private final ClusterKey.Signer signer;
    private final BooleanSupplier ready;
    private final SyncStats stats;
    private final LongSupplier clockMillis;
    private final long stallMillis;
    private final Transfer[] transfers = new Transfer[MAX_TRANSFERS];

    SnapshotServer(ServerSocketChannel server, SwarmStore store, ClusterKey key, BooleanSupplier ready, SyncStats stats) {
        this(server, store, key, ready, stats, System::currentTimeMillis, STALL_MILLIS);
    }

    /** {@code server} must be non-blocking; {@code clockMillis} gives wall-clock time (request age, stalls). */
    SnapshotServer(ServerSocketChannel server, SwarmStore store, ClusterKey key, BooleanSupplier ready, SyncStats stats,
                   LongSupplier clockMillis, long stallMillis) {
        this.server = server;
        this.store = store;
        this.signer = key.signer();
        this.ready = ready;
        this.stats = stats;
        this.clockMillis = clockMillis;
        this.stallMillis = stallMillis;
    }

    @Override
    public int doWork() throws IOException {
        long now = clockMillis.getAsLong();
        int work = accept(now);
        for (int i = 0; i < transfers.length; i++) {
            Transfer t = transfers[i];
            if (t == null) {
                continue;
            }
            try {
                work += t.advance(now);
            } catch (IOException | RuntimeException e) {
                LOG.infof("snapshot to %s failed: %s", t.peer, e.toString());
                t.finished = true;
            }
            if (t.finished) {
                t.close();
                transfers[i] = null;
                work++;
            }
        }
        return work;
    }

    private int accept(long now) throws IOException {
        int accepted = 0;
        SocketChannel channel;
        while ((channel = server.accept()) != null) {
            accepted++;
            int slot = freeSlot();
            if (slot < 0) {
                channel.close(); // the client asks another sibling
                continue;
            }
            try {
                channel.configureBlocking(false);
                transfers[slot] = new Transfer(channel, now);
            } catch (IOException e) {
                channel.close(); // gone before it could ask
            }
        }
        return accepted;
    }

    private int freeSlot() {
        for (int i = 0; i < transfers.length; i++) {
            if (transfers[i] == null) {
                return i;
            }
        }
        return -1;
    }

    /** Transfers under way (for tests and logs). */
    int activeTransfers() {
        int n = 0;
        for (Transfer t : transfers) {
            n += t == null ? 0 : 1;
        }
        return n;
    }

    @Override
    public void onClose() {
        for (int i = 0; i < transfers.length; i++) {
            if (transfers[i] != null) {
                transfers[i].close();
                transfers[i] = null;
            }
        }
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("closing the snapshot port", e);
        }
    }

    @Override
    public String roleName() {
        return "cluster-snapshot";
    }

    /**
     * One client's transfer: read its request, then the status and the frames it asked for: every
     * non-empty shard (a snapshot), the digests, or the listed shards (anti-entropy), then the end frame.
     */
    private final class Transfer {
        final SocketChannel channel;
        final SocketAddress peer;
        final ByteBuffer request = ByteBuffer.allocate(SnapshotProtocol.MAX_REQUEST_BYTES)
                .limit(SnapshotProtocol.HEADER_BYTES);
        final ByteBuffer status = ByteBuffer.allocate(SnapshotProtocol.STATUS_BYTES);
        final ShardCopy copy = new ShardCopy();
        ByteBuffer out;
        byte[] nonce;
        /** The shards asked for (anti-entropy); null for a snapshot of every shard. */
        int[] shardList;
        boolean digests;
        int nextShard;
        long frameIndex;
        long records;
        boolean lastWrite;
        boolean streaming;
        boolean finished;
        long lastProgress;
        final long startedNanos = System.nanoTime();

        Transfer(SocketChannel channel, long now) throws IOException {
            this.channel = channel;
            this.peer = channel.getRemoteAddress();
            this.lastProgress = now;
        }

        boolean antiEntropy() {
            return digests || shardList != null;
        }

        int advance(long now) throws IOException {
            int work = out == null ? readRequest(now) : write(now);
            if (work == 0 && !finished && now - lastProgress > stallMillis) {
                stats.snapshotsStalled.increment();
                LOG.warnf("snapshot to %s closed: no progress for %d ms", peer, now - lastProgress);
                finished = true;
            }
            return work;
        }

        private int readRequest(long now) throws IOException {
            int n = channel.read(request);
            if (n < 0) {
                throw new EOFException("closed before its whole request");
            }
            if (n == 0) {
                return 0;
            }
            lastProgress = now;
            int length = SnapshotProtocol.requestLength(request.array(), request.position());
            if (length > request.position()) {
                request.limit(length);
                return n; // more to come: the header said how much
            }
            byte[] bytes = request.array();
            if (length < 0 || !SnapshotProtocol.requestAccepted(bytes, length, now, signer)) {
                stats.snapshotRequestsRefused.increment();
                LOG.warnf("refused an unauthenticated, outdated or unknown request from %s", peer);
                finished = true;
                return n;
            }
            nonce = SnapshotProtocol.requestNonce(bytes);
            ByteBuffer r = ByteBuffer.wrap(bytes);
            int magic = r.getInt(SnapshotProtocol.REQUEST_MAGIC_OFFSET);
            digests = magic == SnapshotProtocol.DIGESTS_MAGIC;
            if (magic == SnapshotProtocol.SHARDS_MAGIC) {
                shardList = new int[r.getShort(SnapshotProtocol.SHARD_LIST_COUNT_OFFSET)];
                for (int i = 0; i < shardList.length; i++) {
                    shardList[i] = r.getInt(SnapshotProtocol.SHARD_LIST_OFFSET + i * Integer.BYTES);
                }
            }
            if (antiEntropy()) {
                stats.antiEntropyBytesReceived.add(length);
            }
            int code = SnapshotProtocol.STATUS_OK;
            if (!ready.getAsBoolean()) {
                code = SnapshotProtocol.STATUS_NOT_READY;
            } else if (antiEntropy() && !sameShards(r.getInt(SnapshotProtocol.SHARD_COUNT_OFFSET))) {
                code = SnapshotProtocol.STATUS_SHARD_COUNT_MISMATCH;
                stats.snapshotRequestsRefused.increment();
                LOG.warnf("refused anti-entropy with %s: it has %d store shards, this worker %d (tracker.store-shards)",
                        peer, r.getInt(SnapshotProtocol.SHARD_COUNT_OFFSET), store.shardCount());
            }
            status.put((byte) code).flip();
            streaming = code == SnapshotProtocol.STATUS_OK;
            lastWrite = !streaming;
            out = status;
            return n + write(now);
        }

        /** The asker's shard count is this store's, and every shard it lists exists. */
        private boolean sameShards(int shardCount) {
            if (shardCount != store.shardCount()) {
                return false;
            }
            for (int shard : shardList == null ? new int[0] : shardList) {
                if (shard < 0 || shard >= shardCount) {
                    return false;
                }
            }
            return true;
        }

        private int write(long now) throws IOException {
            int work = 0;
            for (int frames = 0; frames < FRAMES_PER_CALL; ) {
                if (out.hasRemaining()) {
                    int written = channel.write(out);
                    if (written > 0) {
                        lastProgress = now;
                        work += written;
                        if (antiEntropy()) {
                            stats.antiEntropyBytesSent.add(written);
                        }
                    }
                    if (out.hasRemaining()) {
                        return work; // the socket is full: come back on the next call
                    }
                }
                if (lastWrite) {
                    finished = true;
                    if (streaming && !antiEntropy()) {
                        stats.snapshotsServed.increment();
                        LOG.infof("snapshot of %d records sent to %s in %d ms", records, peer,
                                (System.nanoTime() - startedNanos) / 1_000_000);
                    }
                    return work + 1;
                }
                nextFrame();
                frames++;
            }
            return work;
        }

        /** The next frame: the digests, the next listed or non-empty shard, or the end frame after the last. */
        private void nextFrame() {
            if (digests) {
                copy.fillDigests(store);
                out = copy.seal(nonce, frameIndex++, signer);
                lastWrite = true;
                return;
            }
            if (shardList != null) {
                if (nextShard < shardList.length) {
                    copy.fill(store, shardList[nextShard++], true);
                    out = copy.seal(nonce, frameIndex++, signer);
                    return;
                }
            } else {
                while (nextShard < store.shardCount()) {
                    copy.fill(store, nextShard++, false);
                    if (copy.records > 0) {
                        records += copy.records;
                        out = copy.seal(nonce, frameIndex++, signer);
                        return;
                    }
                }
            }
            copy.clear();
            out = copy.seal(nonce, frameIndex++, signer);
            lastWrite = true;
        }

        void close() {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("closing a snapshot connection", e);
            }
        }
    }

    /** One shard's peers and download counts as a frame's records, copied under the shard's lock. */
    private static final class ShardCopy {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        long records;
        private final TorrentRows rows = new TorrentRows();

        void clear() {
            buffer.clear().position(SnapshotProtocol.FRAME_RECORDS_OFFSET);
            records = 0;
        }

        /** One digest per shard, after the shard count. */
        void fillDigests(SwarmStore store) {
            clear();
            while (buffer.remaining() < Integer.BYTES + store.shardCount() * Long.BYTES + ClusterKey.MAC_BYTES) {
                grow();
            }
            buffer.putInt(store.shardCount());
            for (int shard = 0; shard < store.shardCount(); shard++) {
                buffer.putLong(store.digest(shard));
            }
        }

        /** The shard's peers and download counts and, for anti-entropy, its tombstones. */
        void fill(SwarmStore store, int shard, boolean withTombstones) {
            clear();
            store.forEachPeer(shard, (h, m, l, family, address4, high, low, port, flags, age) -> {
                while (!SyncRecords.putSnapshotPeer(buffer, h, m, l, family, address4, high, low, port, flags, age)) {
                    grow();
                }
                records++;
            });
            store.forEachTorrent(shard, rows);
            for (int i = 0; i < rows.size(); i++) {
                if (rows.downloaded(i) > 0) {
                    while (!SyncRecords.putDownloaded(buffer, rows.high(i), rows.middle(i), rows.low(i),
                            rows.downloaded(i))) {
                        grow();
                    }
                    records++;
                }
            }
            rows.clear();
            if (withTombstones) {
                store.forEachTombstone(shard, (h, m, l, family, address4, high, low, port, flags, age) -> {
                    while (!SyncRecords.putPeer(buffer, SyncRecords.TOMBSTONE, h, m, l, family, address4, high, low,
                            port, false, false, age)) {
                        grow();
                    }
                    records++;
                });
            }
        }

        /** The records as a complete frame (length, records, MAC), ready to write. */
        ByteBuffer seal(byte[] nonce, long index, ClusterKey.Signer signer) {
            if (buffer.remaining() < ClusterKey.MAC_BYTES) {
                grow();
            }
            SnapshotProtocol.sealFrame(buffer, nonce, index, signer);
            return buffer;
        }

        private void grow() {
            ByteBuffer bigger = ByteBuffer.allocate(buffer.capacity() * 2);
            buffer.flip();
            bigger.put(buffer);
            buffer = bigger;
        }
    }
}
