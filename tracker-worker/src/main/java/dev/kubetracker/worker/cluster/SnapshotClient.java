package dev.kubetracker.worker.cluster;

import dev.kubetracker.worker.swarm.Announce;
import dev.kubetracker.worker.swarm.AnnounceReply;
import dev.kubetracker.worker.swarm.SwarmStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Pulls a sibling's swarm state into the store (see {@link SnapshotProtocol}), bounded in size and time.
 * Each frame is applied once its MAC checks, so a transfer that fails later leaves the frames before
 * it in the store: they are authentic, idempotent facts from a sibling (see {@link SnapshotBootstrap}).
 */
final class SnapshotClient {
    enum Outcome {
        LOADED, NOT_READY, FAILED
    }

    /** {@code refused}: records the store had no room for (its budget), counted and skipped. */
    record Result(Outcome outcome, long records, long bytes, String detail, long refused) {
    }

    private SnapshotClient() {
    }

    static Result fetch(InetSocketAddress sibling, ClusterKey key, SwarmStore store, long timeoutMillis, long maxBytes) {
        long records = 0;
        long refused = 0;
        long index = 0;
        FrameReader reader = null;
        try {
            reader = new FrameReader(sibling, key, timeoutMillis, maxBytes);
            byte[] request = new byte[SnapshotProtocol.REQUEST_BYTES];
            SnapshotProtocol.writeRequest(request, reader.nonce(), System.currentTimeMillis(), key.signer());
            int status = reader.ask(request);
            if (status == SnapshotProtocol.STATUS_NOT_READY) {
                return new Result(Outcome.NOT_READY, 0, 0, "sibling not ready", refused);
            }
            if (status != SnapshotProtocol.STATUS_OK) {
                return new Result(Outcome.FAILED, 0, 0, "unknown status " + status, refused);
            }
            Announce announce = new Announce();
            AnnounceReply reply = new AnnounceReply(1);
            int[] downloaded = new int[1];
            for (; ; index++) {
                ByteBuffer buffer = reader.next();
                if (!buffer.hasRemaining()) {
                    return new Result(Outcome.LOADED, records, reader.bytes(), "complete", refused);
                }
                while (buffer.hasRemaining()) {
                    int type = SyncRecords.read(buffer, announce, downloaded);
                    if (type == SyncRecords.SNAPSHOT_PEER) {
                        if (store.announce(announce, reply) == SwarmStore.Outcome.FULL) {
                            refused++;
                        }
                    } else if (type == SyncRecords.DOWNLOADED) {
                        if (!store.mergeDownloaded(announce.infoHash.high, announce.infoHash.middle,
                                announce.infoHash.low, downloaded[0])) {
                            refused++;
                        }
                    } else {
                        return new Result(Outcome.FAILED, records, reader.bytes(), "malformed record in frame " + index,
                                refused);
                    }
                    records++;
                }
            }
        } catch (IOException e) {
            return new Result(Outcome.FAILED, records, reader == null ? 0 : reader.bytes(), e.toString(), refused);
        } finally {
            if (reader != null) {
                try {
                    reader.close();
                } catch (IOException e) {
                    // closing a socket we are done with
                }
            }
        }
    }
}
