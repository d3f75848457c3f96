package dev.kubetracker.worker.cluster;

import dev.kubetracker.worker.swarm.Announce;
import dev.kubetracker.worker.swarm.AnnounceReply;
import dev.kubetracker.worker.swarm.SwarmStore;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.security.SecureRandom;

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
        long deadline = System.currentTimeMillis() + timeoutMillis;
        long records = 0;
        long bytes = 0;
        long refused = 0;
        try (Socket socket = new Socket()) {
            socket.connect(sibling, (int) Math.min(2_000, timeoutMillis));
            socket.setSoTimeout(10_000);
            ClusterKey.Signer signer = key.signer();
            byte[] nonce = new byte[SnapshotProtocol.NONCE_BYTES];
            new SecureRandom().nextBytes(nonce);
            byte[] request = new byte[SnapshotProtocol.REQUEST_BYTES];
            SnapshotProtocol.writeRequest(request, nonce, System.currentTimeMillis(), signer);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();

            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024));
            int status = in.readUnsignedByte();
            if (status == SnapshotProtocol.STATUS_NOT_READY) {
                return new Result(Outcome.NOT_READY, 0, 0, "sibling not ready", refused);
            }
            if (status != SnapshotProtocol.STATUS_OK) {
                return new Result(Outcome.FAILED, 0, 0, "unknown status " + status, refused);
            }
            Announce announce = new Announce();
            AnnounceReply reply = new AnnounceReply(1);
            int[] downloaded = new int[1];
            byte[] mac = new byte[ClusterKey.MAC_BYTES];
            byte[] frame = new byte[64 * 1024];
            for (long index = 0; ; index++) {
                if (System.currentTimeMillis() > deadline) {
                    return new Result(Outcome.FAILED, records, bytes, "timed out", refused);
                }
                // Each read may wait only for what is left of the snapshot timeout (and never over 10 s).
                socket.setSoTimeout((int) Math.max(1, Math.min(10_000, deadline - System.currentTimeMillis())));
                int length = in.readInt(); // the frame's length field, then its records and MAC
                if (length < 0 || length > SnapshotProtocol.MAX_FRAME_BYTES || bytes + length > maxBytes) {
                    return new Result(Outcome.FAILED, records, bytes, "frame of " + length + " bytes refused", refused);
                }
                if (length > frame.length) {
                    frame = new byte[Math.max(length, frame.length * 2)];
                }
                in.readFully(frame, 0, length);
                in.readFully(mac);
                if (!signer.verify(SnapshotProtocol.framePrefix(nonce, index), frame, 0, length, mac, 0)) {
                    return new Result(Outcome.FAILED, records, bytes, "bad MAC on frame " + index, refused);
                }
                if (length == 0) {
                    return new Result(Outcome.LOADED, records, bytes, "complete", refused);
                }
                bytes += length;
                ByteBuffer buffer = ByteBuffer.wrap(frame, 0, length);
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
                        return new Result(Outcome.FAILED, records, bytes, "malformed record in frame " + index, refused);
                    }
                    records++;
                }
            }
        } catch (IOException e) {
            return new Result(Outcome.FAILED, records, bytes, e.toString(), refused);
        }
    }
}
