package dev.kubetracker.worker.cluster;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;

/**
 * The asking side of the sync channel's TCP connection ({@link SnapshotProtocol}): sends a signed
 * request, reads the status, then the frames one by one, each verified against the request's nonce
 * and its index. Bounded: 10 s without data, a deadline for the whole answer, 16 MiB a frame, a most
 * total. Not thread-safe; one per connection.
 */
final class FrameReader implements AutoCloseable {
    private static final int CONNECT_MILLIS = 2_000;
    private static final int STALL_MILLIS = 10_000;

    private final Socket socket = new Socket();
    private final ClusterKey.Signer signer;
    private final byte[] nonce = new byte[SnapshotProtocol.NONCE_BYTES];
    private final long deadline;
    private final long maxBytes;
    private final byte[] mac = new byte[ClusterKey.MAC_BYTES];
    private DataInputStream in;
    private byte[] frame = new byte[64 * 1024];
    private long index;
    private long bytes;

    /** A connection to {@code sibling}; nothing is sent until {@link #ask}. */
    FrameReader(InetSocketAddress sibling, ClusterKey key, long timeoutMillis, long maxBytes) throws IOException {
        this.signer = key.signer();
        this.deadline = System.currentTimeMillis() + timeoutMillis;
        this.maxBytes = maxBytes;
        new SecureRandom().nextBytes(nonce);
        try {
            socket.connect(sibling, (int) Math.max(1, Math.min(CONNECT_MILLIS, timeoutMillis)));
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    byte[] nonce() {
        return nonce;
    }

    /** Sends the request (signed with {@link #nonce()}) and returns the status byte of the answer. */
    int ask(byte[] request) throws IOException {
        socket.setSoTimeout(STALL_MILLIS);
        OutputStream out = socket.getOutputStream();
        out.write(request);
        out.flush();
        in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024));
        return in.readUnsignedByte();
    }

    /**
     * The next frame's records (an empty buffer is the end frame), valid until the next call. Throws when
     * the deadline passes, the frame is too large, or its MAC does not verify.
     */
    ByteBuffer next() throws IOException {
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
            throw new SocketTimeoutException("timed out");
        }
        // Each read may wait only for what is left of the deadline (and never over 10 s).
        socket.setSoTimeout((int) Math.max(1, Math.min(STALL_MILLIS, left)));
        int length = in.readInt(); // the frame's length field, then its records and MAC
        if (length < 0 || length > SnapshotProtocol.MAX_FRAME_BYTES || bytes + length > maxBytes) {
            throw new IOException("frame of " + length + " bytes refused");
        }
        if (length > frame.length) {
            frame = new byte[Math.max(length, frame.length * 2)];
        }
        in.readFully(frame, 0, length);
        in.readFully(mac);
        if (!signer.verify(SnapshotProtocol.framePrefix(nonce, index), frame, 0, length, mac, 0)) {
            throw new IOException("bad MAC on frame " + index);
        }
        index++;
        bytes += length;
        return ByteBuffer.wrap(frame, 0, length);
    }

    /** Record bytes read so far. */
    long bytes() {
        return bytes;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
