package dev.kubetracker.worker.cluster;

import dev.kubetracker.worker.swarm.SwarmStore;
import dev.kubetracker.worker.swarm.TorrentRows;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.BufferedOutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * Serves the swarm state to starting siblings (see {@link SnapshotProtocol}), one shard at a time:
 * each shard is copied under its lock, then written without it. At most two transfers at once.
 */
final class SnapshotServer implements Runnable {
    private static final Logger LOG = Logger.getLogger(SnapshotServer.class);
    private static final int MAX_CONCURRENT = 2;

    private final ServerSocket server;
    private final SwarmStore store;
    private final ClusterKey key;
    private final BooleanSupplier ready;
    private final SyncStats stats;
    private final AtomicInteger active = new AtomicInteger();

    SnapshotServer(ServerSocket server, SwarmStore store, ClusterKey key, BooleanSupplier ready, SyncStats stats) {
        this.server = server;
        this.store = store;
        this.key = key;
        this.ready = ready;
        this.stats = stats;
    }

    @Override
    public void run() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                if (active.incrementAndGet() > MAX_CONCURRENT) {
                    active.decrementAndGet();
                    socket.close();
                    continue;
                }
                Thread t = new Thread(() -> {
                    try (socket) {
                        serve(socket);
                    } catch (IOException | RuntimeException e) {
                        LOG.infof("snapshot to %s failed: %s", socket.getRemoteSocketAddress(), e.toString());
                    } finally {
                        active.decrementAndGet();
                    }
                }, "snapshot-serve");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!server.isClosed()) {
                    LOG.warn("snapshot accept failed", e);
                }
            }
        }
    }

    private void serve(Socket socket) throws IOException {
        socket.setSoTimeout(10_000);
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] request = new byte[SnapshotProtocol.REQUEST_BYTES];
        in.readFully(request);
        ByteBuffer r = ByteBuffer.wrap(request);
        ClusterKey.Signer signer = key.signer();
        long sentAt = r.getLong(20);
        if (r.getInt(0) != SnapshotProtocol.REQUEST_MAGIC || !signer.verify(null, request, 0, 28, request, 28)
                || Math.abs(System.currentTimeMillis() - sentAt) > SnapshotProtocol.MAX_REQUEST_AGE_MILLIS) {
            LOG.warnf("refused an unauthenticated snapshot request from %s", socket.getRemoteSocketAddress());
            return;
        }
        byte[] nonce = new byte[16];
        System.arraycopy(request, 4, nonce, 0, 16);
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 64 * 1024));
        if (!ready.getAsBoolean()) {
            out.writeByte(SnapshotProtocol.STATUS_NOT_READY);
            out.flush();
            return;
        }
        out.writeByte(SnapshotProtocol.STATUS_OK);
        long started = System.nanoTime();
        long frame = 0;
        long records = 0;
        byte[] mac = new byte[ClusterKey.MAC_BYTES];
        ShardCopy copy = new ShardCopy();
        for (int shard = 0; shard < store.shardCount(); shard++) {
            copy.fill(store, shard);
            if (copy.buffer.position() == 0) {
                continue;
            }
            byte[] bytes = copy.buffer.array();
            int length = copy.buffer.position();
            signer.sign(SnapshotProtocol.framePrefix(nonce, frame++), bytes, 0, length, mac, 0);
            out.writeInt(length);
            out.write(bytes, 0, length);
            out.write(mac);
            records += copy.records;
        }
        signer.sign(SnapshotProtocol.framePrefix(nonce, frame), new byte[0], 0, 0, mac, 0);
        out.writeInt(0);
        out.write(mac);
        out.flush();
        stats.snapshotsServed.increment();
        LOG.infof("snapshot of %d records sent to %s in %d ms", records, socket.getRemoteSocketAddress(),
                (System.nanoTime() - started) / 1_000_000);
    }

    /** One shard's peers and download counts as records, copied under the shard's lock. */
    private static final class ShardCopy {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        long records;
        private final TorrentRows rows = new TorrentRows();

        void fill(SwarmStore store, int shard) {
            buffer.clear();
            records = 0;
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
        }

        private void grow() {
            ByteBuffer bigger = ByteBuffer.allocate(buffer.capacity() * 2);
            buffer.flip();
            bigger.put(buffer);
            buffer = bigger;
        }
    }
}
