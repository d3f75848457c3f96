package dev.kubetracker.worker.protocol.udp;

import dev.kubetracker.worker.net.ClientAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The memory of one socket's batches, allocated once: the {@code struct mmsghdr} vectors that recvmmsg
 * fills and sendmmsg reads, their iovecs, the senders' addresses and the datagram slots, all in one
 * direct buffer. A reply's header points at its request's sender address, so addresses are never copied.
 * Each slot also has a {@link ByteBuf} over it, made once, for {@link UdpRequestHandler}. LP64 Linux only.
 *
 * <pre>
 * struct msghdr (56)  0 msg_name | 8 msg_namelen (4) | 16 msg_iov | 24 msg_iovlen | 32 msg_control
 *                    40 msg_controllen | 48 msg_flags (4)
 * struct mmsghdr (64) 0 msg_hdr (56) | 56 msg_len (4)
 * struct iovec (16)   0 iov_base | 8 iov_len
 * </pre>
 */
final class DatagramBatch {
    /** Datagrams one recvmmsg may take, and replies one sendmmsg may send. */
    static final int SIZE = 64;
    /** Largest datagram read; longer ones are truncated (a scrape uses at most 16 + 74 * 20 bytes). */
    static final int RECEIVE_SLOT = 2048;
    /** Largest reply (an announce with 200 IPv4 peers is 1220 bytes). */
    static final int SEND_SLOT = 1500;

    private static final int MMSGHDR = 64;
    private static final int IOVEC = 16;
    private static final int MSG_NAME = 0;
    private static final int MSG_NAMELEN = 8;
    private static final int MSG_IOV = 16;
    private static final int MSG_IOVLEN = 24;
    private static final int MSG_LEN = 56;
    private static final int IOV_LEN = 8;
    /** A sockaddr_in6 (28 bytes) holds a sockaddr_in too; slots are 32 apart. */
    static final int SOCKADDR_LENGTH = 28;
    private static final int SOCKADDR_SLOT = 32;

    private static final int RECEIVE_HEADERS = 0;
    private static final int SEND_HEADERS = RECEIVE_HEADERS + SIZE * MMSGHDR;
    private static final int RECEIVE_IOVECS = SEND_HEADERS + SIZE * MMSGHDR;
    private static final int SEND_IOVECS = RECEIVE_IOVECS + SIZE * IOVEC;
    private static final int SENDERS = SEND_IOVECS + SIZE * IOVEC;
    /** Scratch for socket setup: an option value, a socklen_t, the bound address. */
    private static final int SCRATCH = SENDERS + SIZE * SOCKADDR_SLOT;
    private static final int SCRATCH_LENGTH = 64;
    private static final int RECEIVE_SLOTS = SCRATCH + SCRATCH_LENGTH;
    private static final int SEND_SLOTS = RECEIVE_SLOTS + SIZE * RECEIVE_SLOT;
    private static final int TOTAL = SEND_SLOTS + SIZE * SEND_SLOT;

    /** Struct fields, in the machine's order. */
    private final ByteBuffer structs;
    /** Addresses and ports, in network order. */
    private final ByteBuffer network;
    private final long base;
    private final ByteBuf[] receiveSlots = new ByteBuf[SIZE];
    private final ByteBuf[] sendSlots = new ByteBuf[SIZE];

    DatagramBatch(LibC.Loaded c) {
        ByteBuffer memory = ByteBuffer.allocateDirect(TOTAL);
        structs = memory.duplicate().order(ByteOrder.nativeOrder());
        network = memory.duplicate().order(ByteOrder.BIG_ENDIAN);
        base = jnr.ffi.Pointer.wrap(c.runtime, memory).address();
        for (int i = 0; i < SIZE; i++) {
            receiveSlots[i] = Unpooled.wrappedBuffer(memory.slice(RECEIVE_SLOTS + i * RECEIVE_SLOT, RECEIVE_SLOT));
            sendSlots[i] = Unpooled.wrappedBuffer(memory.slice(SEND_SLOTS + i * SEND_SLOT, SEND_SLOT));

            int receive = RECEIVE_HEADERS + i * MMSGHDR;
            structs.putLong(receive + MSG_NAME, base + sender(i));
            structs.putLong(receive + MSG_IOV, base + RECEIVE_IOVECS + i * IOVEC);
            structs.putLong(receive + MSG_IOVLEN, 1);
            structs.putLong(RECEIVE_IOVECS + i * IOVEC, base + RECEIVE_SLOTS + (long) i * RECEIVE_SLOT);
            structs.putLong(RECEIVE_IOVECS + i * IOVEC + IOV_LEN, RECEIVE_SLOT);

            int send = SEND_HEADERS + i * MMSGHDR;
            structs.putLong(send + MSG_IOV, base + SEND_IOVECS + i * IOVEC);
            structs.putLong(send + MSG_IOVLEN, 1);
            structs.putLong(SEND_IOVECS + i * IOVEC, base + SEND_SLOTS + (long) i * SEND_SLOT);
        }
        readyToReceive(SIZE);
    }

    private static int sender(int i) {
        return SENDERS + i * SOCKADDR_SLOT;
    }

    /** The receive vector, for recvmmsg. */
    long receiveVector() {
        return base + RECEIVE_HEADERS;
    }

    /** The send vector from reply {@code first} on, for sendmmsg. */
    long sendVector(int first) {
        return base + SEND_HEADERS + (long) first * MMSGHDR;
    }

    /** Resets what recvmmsg wrote into the first {@code used} headers (the address lengths). */
    void readyToReceive(int used) {
        for (int i = 0; i < used; i++) {
            structs.putInt(RECEIVE_HEADERS + i * MMSGHDR + MSG_NAMELEN, SOCKADDR_LENGTH);
        }
    }

    /** Datagram {@code i} as received: its (possibly truncated) bytes readable. */
    ByteBuf datagram(int i) {
        int length = Math.min(structs.getInt(RECEIVE_HEADERS + i * MMSGHDR + MSG_LEN), RECEIVE_SLOT);
        return receiveSlots[i].setIndex(0, length);
    }

    /**
     * Reads datagram {@code i}'s sender into {@code client}; false for a family other than IPv4 or IPv6,
     * and for a message without a source (what a receive returns once the socket is shut down).
     */
    boolean sender(int i, ClientAddress client) {
        if (structs.getInt(RECEIVE_HEADERS + i * MMSGHDR + MSG_NAMELEN) == 0) {
            return false;
        }
        int at = sender(i);
        int family = structs.getShort(at) & 0xFFFF;
        if (family == LibC.AF_INET) {
            client.setV4(network.getInt(at + 4));
            return true;
        }
        if (family == LibC.AF_INET6) {
            client.setV6(network.getLong(at + 8), network.getLong(at + 16));
            return true;
        }
        return false;
    }

    /** The empty slot for reply {@code j}. */
    ByteBuf reply(int j) {
        return sendSlots[j].clear();
    }

    /** Makes reply {@code j} (as written into its slot) go to the sender of datagram {@code i}. */
    void address(int j, int i) {
        int send = SEND_HEADERS + j * MMSGHDR;
        structs.putLong(send + MSG_NAME, base + sender(i));
        structs.putInt(send + MSG_NAMELEN, structs.getInt(RECEIVE_HEADERS + i * MMSGHDR + MSG_NAMELEN));
        structs.putLong(SEND_IOVECS + j * IOVEC + IOV_LEN, sendSlots[j].writerIndex());
    }

    /** A scratch word for setsockopt values and getsockname lengths. */
    long scratchInt(int value) {
        structs.putInt(SCRATCH, value);
        return base + SCRATCH;
    }

    int scratchInt() {
        return structs.getInt(SCRATCH);
    }

    /** A scratch struct timeval of {@code millis}, for SO_RCVTIMEO. */
    long scratchTimeval(long millis) {
        structs.putLong(SCRATCH + 8, millis / 1000);
        structs.putLong(SCRATCH + 16, millis % 1000 * 1000);
        return base + SCRATCH + 8;
    }

    /** A scratch sockaddr: {@code address} (4 or 16 bytes) and {@code port}; returns its length. */
    int scratchSockaddr(byte[] address, int port, int scopeId) {
        int at = SCRATCH + 24;
        for (int k = 0; k < 32; k++) {
            structs.put(at + k, (byte) 0);
        }
        network.putShort(at + 2, (short) port);
        if (address.length == 4) {
            structs.putShort(at, (short) LibC.AF_INET);
            network.put(at + 4, address);
            return 16;
        }
        structs.putShort(at, (short) LibC.AF_INET6);
        network.put(at + 8, address);
        structs.putInt(at + 24, scopeId);
        return SOCKADDR_LENGTH;
    }

    long scratchSockaddrAddress() {
        return base + SCRATCH + 24;
    }

    /** The port of the scratch sockaddr (as getsockname wrote it). */
    int scratchSockaddrPort() {
        return network.getShort(SCRATCH + 24 + 2) & 0xFFFF;
    }
}
