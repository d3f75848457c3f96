package dev.kubetracker.worker.check;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A client's announce over HTTP and over UDP to a tracker, then a {@code stopped} announce that takes
 * the check's peer out again: the chart's {@code helm test} runs it in the worker image (which has a
 * JVM and this class, and nothing else) against a Tracker's client Service. Only the JDK is used, so
 * {@code java -cp 'app/*' dev.kubetracker.worker.check.AnnounceCheck ...} runs it from the image's
 * working directory.
 */
public final class AnnounceCheck {

    static final int TIMEOUT_MILLIS = 3_000;
    static final int UDP_ATTEMPTS = 3;
    static final int MAX_HTTP_RESPONSE = 64 * 1024;
    static final long UDP_PROTOCOL_ID = 0x41727101980L;
    static final int UDP_CONNECT = 0, UDP_ANNOUNCE = 1, UDP_ERROR = 3;
    static final int EVENT_STARTED = 2, EVENT_STOPPED = 3;
    static final int PEER_PORT = 6881;

    /** What one announce found: {@code ok} with what the tracker said, or why not. */
    public record Result(boolean ok, String message) {
    }

    private final byte[] infoHash;
    private final byte[] peerId = new byte[20];
    private final SecureRandom random = new SecureRandom();

    public AnnounceCheck(byte[] infoHash) {
        if (infoHash.length != 20) {
            throw new IllegalArgumentException("an info hash has 20 bytes, not " + infoHash.length);
        }
        this.infoHash = infoHash.clone();
        byte[] prefix = "-KT0000-".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(prefix, 0, peerId, 0, prefix.length);
        for (int i = prefix.length; i < peerId.length; i++) {
            peerId[i] = (byte) ('0' + random.nextInt(10));
        }
    }

    /** Usage: {@code <http host> <http port> <udp host> <udp port> <info hash, 40 hex digits>}; exit 0 when all four announces worked. */
    public static void main(String[] args) {
        if (args.length != 5) {
            System.err.println("usage: AnnounceCheck <http host> <http port> <udp host> <udp port> <info hash hex>");
            System.exit(2);
        }
        AnnounceCheck check;
        int httpPort, udpPort;
        try {
            httpPort = Integer.parseInt(args[1]);
            udpPort = Integer.parseInt(args[3]);
            check = new AnnounceCheck(HexFormat.of().parseHex(args[4]));
        } catch (IllegalArgumentException e) {
            System.err.println("bad argument: " + e.getMessage());
            System.exit(2);
            return;
        }
        List<Result> results = check.run(args[0], httpPort, args[2], udpPort);
        results.forEach(r -> System.out.println((r.ok() ? "ok    " : "FAILED ") + r.message()));
        System.exit(results.stream().allMatch(Result::ok) ? 0 : 1);
    }

    /** Started over HTTP and UDP, then stopped over each. */
    public List<Result> run(String httpHost, int httpPort, String udpHost, int udpPort) {
        List<Result> results = new ArrayList<>();
        results.add(http(httpHost, httpPort, "started"));
        results.add(udp(udpHost, udpPort, EVENT_STARTED));
        results.add(http(httpHost, httpPort, "stopped"));
        results.add(udp(udpHost, udpPort, EVENT_STOPPED));
        return results;
    }

    Result http(String host, int port, String event) {
        String what = "HTTP announce (" + event + ") to http://" + host + ":" + port + "/announce";
        String target = "/announce?info_hash=" + percentEncode(infoHash) + "&peer_id=" + percentEncode(peerId)
                + "&port=" + PEER_PORT + "&uploaded=0&downloaded=0&left=0&compact=1&event=" + event;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String response = new String(readAtMost(socket.getInputStream(), MAX_HTTP_RESPONSE), StandardCharsets.ISO_8859_1);
            if (!response.startsWith("HTTP/1.1 200") && !response.startsWith("HTTP/1.0 200")) {
                return new Result(false, what + ": " + response.lines().findFirst().orElse("no response"));
            }
            int failure = response.indexOf("14:failure reason");
            if (failure >= 0) {
                return new Result(false, what + ": refused, " + response.substring(failure + "14:failure reason".length()).trim());
            }
            if (!response.contains("8:interval")) {
                return new Result(false, what + ": the reply has no interval");
            }
            return new Result(true, what);
        } catch (IOException e) {
            return new Result(false, what + ": " + e);
        }
    }

    Result udp(String host, int port, int event) {
        String what = "UDP announce (" + (event == EVENT_STARTED ? "started" : "stopped") + ") to udp://" + host + ":" + port;
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(new InetSocketAddress(host, port));
            socket.setSoTimeout(TIMEOUT_MILLIS);
            ByteBuffer connect = ByteBuffer.allocate(16);
            int tx = random.nextInt();
            connect.putLong(UDP_PROTOCOL_ID).putInt(UDP_CONNECT).putInt(tx);
            ByteBuffer connected = exchange(socket, connect.array(), tx);
            if (connected.getInt(0) != UDP_CONNECT || connected.remaining() < 16) {
                return new Result(false, what + ": connect " + describe(connected));
            }
            long connectionId = connected.getLong(8);

            ByteBuffer announce = ByteBuffer.allocate(98);
            tx = random.nextInt();
            announce.putLong(connectionId).putInt(UDP_ANNOUNCE).putInt(tx).put(infoHash).put(peerId)
                    .putLong(0).putLong(0).putLong(0) // downloaded, left, uploaded
                    .putInt(event).putInt(0).putInt(random.nextInt()).putInt(-1).putShort((short) PEER_PORT);
            ByteBuffer reply = exchange(socket, announce.array(), tx);
            if (reply.getInt(0) != UDP_ANNOUNCE || reply.remaining() < 20) {
                return new Result(false, what + ": announce " + describe(reply));
            }
            return new Result(true, what);
        } catch (IOException e) {
            return new Result(false, what + ": " + e);
        }
    }

    /** Sends the request until a reply with its transaction id comes (UDP loses datagrams). */
    private static ByteBuffer exchange(DatagramSocket socket, byte[] request, int tx) throws IOException {
        byte[] buffer = new byte[2048];
        for (int attempt = 1; ; attempt++) {
            socket.send(new DatagramPacket(request, request.length));
            try {
                while (true) {
                    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                    socket.receive(packet);
                    ByteBuffer reply = ByteBuffer.wrap(buffer, 0, packet.getLength()).slice();
                    if (reply.remaining() >= 8 && reply.getInt(4) == tx) {
                        return reply;
                    }
                }
            } catch (SocketTimeoutException e) {
                if (attempt == UDP_ATTEMPTS) {
                    throw new SocketTimeoutException("no reply after " + UDP_ATTEMPTS + " tries of " + TIMEOUT_MILLIS + " ms");
                }
            }
        }
    }

    private static String describe(ByteBuffer reply) {
        if (reply.remaining() >= 8 && reply.getInt(0) == UDP_ERROR) {
            byte[] text = new byte[reply.remaining() - 8];
            reply.get(8, text);
            return "refused: " + new String(text, StandardCharsets.UTF_8);
        }
        return "got a reply of action " + (reply.remaining() >= 4 ? reply.getInt(0) : -1) + " and " + reply.remaining() + " bytes";
    }

    private static byte[] readAtMost(InputStream in, int limit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[4096];
        for (int n; out.size() < limit && (n = in.read(chunk, 0, Math.min(chunk.length, limit - out.size()))) > 0; ) {
            out.write(chunk, 0, n);
        }
        return out.toByteArray();
    }

    private static String percentEncode(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte b : bytes) {
            s.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
        }
        return s.toString();
    }
}
