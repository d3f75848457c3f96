package dev.kubetracker.worker.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Floods a UDP tracker with announces of new torrents, one peer each, from several loopback source
 * addresses. Each address keeps a window of announces in flight (one round trip per announce is far
 * too slow to fill a store). Every run is bounded in count and time, and stops early when the tracker
 * falls silent.
 */
public final class UdpFlood implements AutoCloseable {
    private static final int WINDOW = 64;
    private static final int REPLY_TIMEOUT_MILLIS = 1_000;
    private static final int HASH_OFFSET = 16;
    private static final int TRANSACTION_OFFSET = 12;

    /** What a run saw: replies by kind, the announces that got none, and how it ended. */
    public record Result(long sent, long served, Map<String, Long> errors, long lost, boolean silent,
                         byte[] lastRefusedHash, long millis) {
        public long errors(String text) {
            return errors.getOrDefault(text, 0L);
        }

        @Override
        public String toString() {
            return "sent " + sent + ", served " + served + ", errors " + errors + ", lost " + lost
                    + (silent ? ", then the tracker fell silent" : "") + ", in " + millis + " ms";
        }
    }

    private final InetSocketAddress tracker;
    private final List<DatagramSocket> sockets = new ArrayList<>();
    private final long hashSeed;
    private int next;

    /** @param hashSeed floods with different seeds announce different hashes */
    public UdpFlood(int trackerPort, List<String> sourceAddresses, long hashSeed) throws IOException {
        this.tracker = new InetSocketAddress("127.0.0.1", trackerPort);
        this.hashSeed = hashSeed;
        for (String source : sourceAddresses) {
            DatagramSocket socket = new DatagramSocket(0, InetAddress.getByName(source));
            socket.setReceiveBufferSize(1 << 20);
            socket.setSoTimeout(REPLY_TIMEOUT_MILLIS);
            sockets.add(socket);
        }
    }

    /**
     * The hash of the n-th announce of this flood: unique by its last four bytes, and spread over the
     * store's shards by its first eight, as an attacker's random hashes would be.
     */
    public byte[] hash(int n) {
        long spread = (hashSeed + n) * 0x9E3779B97F4A7C15L;
        spread ^= spread >>> 31;
        return ByteBuffer.allocate(20).putLong(spread).putLong(hashSeed).putInt(n).array();
    }

    /**
     * Announces new torrents until {@code stopAfter} errors with the text {@code stopError} came back,
     * {@code maxAnnounces} were sent, {@code maxMillis} passed, or a whole round got no reply.
     */
    public Result run(long maxAnnounces, long maxMillis, String stopError, long stopAfter) throws IOException {
        long start = System.currentTimeMillis();
        long[] connectionIds = new long[sockets.size()];
        for (int s = 0; s < sockets.size(); s++) {
            connectionIds[s] = connect(sockets.get(s));
        }
        ByteBuffer request = UdpClient.announceRequest(0, 0, new byte[20], 2, 0, 0, 6881);
        DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
        Map<String, Long> errors = new LinkedHashMap<>();
        long sent = 0;
        long served = 0;
        long lost = 0;
        byte[] lastRefused = null;
        boolean silent = false;
        while (sent < maxAnnounces && errors.getOrDefault(stopError, 0L) < stopAfter
                && System.currentTimeMillis() - start < maxMillis) {
            int roundStart = next;
            int[] inFlight = new int[sockets.size()];
            for (int s = 0; s < sockets.size(); s++) {
                request.putLong(0, connectionIds[s]);
                for (int i = 0; i < WINDOW && sent < maxAnnounces; i++, sent++) {
                    int n = next++;
                    request.putInt(TRANSACTION_OFFSET, n).put(HASH_OFFSET, hash(n));
                    sockets.get(s).send(new DatagramPacket(request.array(), 98, tracker));
                    inFlight[s]++;
                }
            }
            long repliesThisRound = 0;
            for (int s = 0; s < sockets.size(); s++) {
                while (inFlight[s] > 0) {
                    try {
                        sockets.get(s).receive(reply);
                    } catch (SocketTimeoutException e) {
                        lost += inFlight[s];
                        break;
                    }
                    ByteBuffer b = ByteBuffer.wrap(reply.getData(), 0, reply.getLength());
                    if (reply.getLength() < 8 || b.getInt(4) < roundStart) {
                        continue; // a reply to an announce already counted as lost
                    }
                    inFlight[s]--;
                    repliesThisRound++;
                    int action = b.getInt(0);
                    if (action == 1) {
                        served++;
                    } else {
                        String text = action == 3
                                ? new String(reply.getData(), 8, reply.getLength() - 8, StandardCharsets.US_ASCII)
                                : "action " + action;
                        errors.merge(text, 1L, Long::sum);
                        if (text.equals(stopError)) {
                            lastRefused = hash(b.getInt(4));
                        }
                    }
                }
            }
            if (repliesThisRound == 0) {
                silent = true;
                break;
            }
        }
        return new Result(sent, served, errors, lost, silent, lastRefused, System.currentTimeMillis() - start);
    }

    private long connect(DatagramSocket socket) throws IOException {
        byte[] request = ByteBuffer.allocate(16).putLong(UdpClient.PROTOCOL_ID).putInt(0).putInt(-1).array();
        DatagramPacket reply = new DatagramPacket(new byte[64], 64);
        socket.send(new DatagramPacket(request, request.length, tracker));
        do {
            socket.receive(reply);
        } while (reply.getLength() != 16 || ByteBuffer.wrap(reply.getData()).getInt(4) != -1);
        return ByteBuffer.wrap(reply.getData()).getLong(8);
    }

    @Override
    public void close() {
        sockets.forEach(DatagramSocket::close);
    }
}
