package dev.kubetracker.worker.protocol;

import dev.kubetracker.worker.swarm.AnnounceReply;
import dev.kubetracker.worker.swarm.PeerRecord;
import io.netty.buffer.ByteBuf;

/**
 * The compact peer forms both protocols send (BEP 15 replies, BEP 23 {@code peers} and BEP 7
 * {@code peers6}): address then port, big-endian, straight from the reply's packed records.
 */
public final class CompactPeers {
    /** An IPv4 address (4) and a port (2). */
    public static final int V4_BYTES = 6;
    /** An IPv6 address (16) and a port (2). */
    public static final int V6_BYTES = 18;

    private CompactPeers() {
    }

    /** Writes the reply's IPv4 peers: {@code reply.peers4Count * V4_BYTES} bytes. */
    public static void writeV4(ByteBuf out, AnnounceReply reply) {
        for (int i = 0; i < reply.peers4Count; i++) {
            long key = PeerRecord.v4Key(reply.peers4[i]); // address (32) | port (16)
            out.writeInt((int) (key >>> 16)).writeShort((int) key);
        }
    }

    /** Writes the reply's IPv6 peers: {@code reply.peers6Count * V6_BYTES} bytes. */
    public static void writeV6(ByteBuf out, AnnounceReply reply) {
        long[] p = reply.peers6;
        for (int i = 0; i < reply.peers6Count; i++) {
            out.writeLong(p[3 * i]).writeLong(p[3 * i + 1]).writeShort(PeerRecord.port(p[3 * i + 2]));
        }
    }
}
