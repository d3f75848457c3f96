package dev.kubetracker.worker.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A BEP 15 client over a real UDP socket, for tests against the running worker. */
public final class UdpClient implements AutoCloseable {
    public static final long PROTOCOL_ID = 0x41727101980L;

    public final DatagramSocket socket;
    private final InetSocketAddress tracker;
    private int transaction = 1000;

    /**
     * A loopback {@code host} is also the local address (so 127.0.0.2 talks from 127.0.0.2); any other
     * (a test network's host) is reached from whatever address routes there.
     */
    public UdpClient(String host, int port) throws IOException {
        InetAddress address = InetAddress.getByName(host);
        socket = address.isLoopbackAddress() ? new DatagramSocket(0, address) : new DatagramSocket(0);
        socket.setSoTimeout(3000);
        tracker = new InetSocketAddress(host, port);
    }

    public void send(byte[] data) throws IOException {
        socket.send(new DatagramPacket(data, data.length, tracker));
    }

    public ByteBuffer receive() throws IOException {
        DatagramPacket p = new DatagramPacket(new byte[4096], 4096);
        socket.receive(p);
        return ByteBuffer.wrap(Arrays.copyOf(p.getData(), p.getLength()));
    }

    /** Sends, then returns the reply carrying this transaction id (skipping replies to earlier junk). */
    public ByteBuffer call(ByteBuffer request) throws IOException {
        int tid = request.getInt(12);
        send(Arrays.copyOf(request.array(), request.position()));
        while (true) {
            ByteBuffer reply = receive();
            if (reply.remaining() >= 8 && reply.getInt(4) == tid) {
                return reply;
            }
        }
    }

    public long connect() throws IOException {
        ByteBuffer reply = call(ByteBuffer.allocate(16).putLong(PROTOCOL_ID).putInt(0).putInt(++transaction));
        assertEquals(16, reply.remaining());
        assertEquals(0, reply.getInt(0));
        return reply.getLong(8);
    }

    /** Event: 0 none, 1 completed, 2 started, 3 stopped. */
    public ByteBuffer announce(long connectionId, byte[] hash, int event, long left, int numwant, int port)
            throws IOException {
        return call(announceRequest(connectionId, ++transaction, hash, event, left, numwant, port));
    }

    public ByteBuffer scrape(long connectionId, byte[]... hashes) throws IOException {
        ByteBuffer request = ByteBuffer.allocate(16 + 20 * hashes.length).putLong(connectionId).putInt(2)
                .putInt(++transaction);
        for (byte[] h : hashes) {
            request.put(h);
        }
        return call(request);
    }

    public static ByteBuffer announceRequest(long connectionId, int tid, byte[] hash, int event, long left,
                                             int numwant, int port) {
        return ByteBuffer.allocate(98).putLong(connectionId).putInt(1).putInt(tid).put(hash)
                .put("-KT0001-abcdefghijkl".getBytes(StandardCharsets.US_ASCII))
                .putLong(0).putLong(left).putLong(0).putInt(event).putInt(0).putInt(42).putInt(numwant)
                .putShort((short) port);
    }

    public static String errorText(ByteBuffer reply) {
        assertEquals(3, reply.getInt(0), "an error packet");
        return new String(reply.array(), 8, reply.remaining() - 8, StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
        socket.close();
    }
}
