package dev.kubetracker.worker.warmup;

import dev.kubetracker.worker.access.AccessList;
import dev.kubetracker.worker.access.InfoHashSet;
import dev.kubetracker.worker.cluster.ChangeLog;
import dev.kubetracker.worker.deniability.RandomPeers;
import dev.kubetracker.worker.logic.ClientLimits;
import dev.kubetracker.worker.logic.TrackerLogic;
import dev.kubetracker.worker.net.ClientAddress;
import dev.kubetracker.worker.net.TrustedProxies;
import dev.kubetracker.worker.protocol.http.FullScrapeSlots;
import dev.kubetracker.worker.protocol.http.HttpRequestRouter;
import dev.kubetracker.worker.protocol.http.HttpFrontend;
import dev.kubetracker.worker.protocol.udp.ConnectionIds;
import dev.kubetracker.worker.protocol.udp.UdpPort;
import dev.kubetracker.worker.protocol.udp.UdpTransport;
import dev.kubetracker.worker.protocol.udp.UdpRequest;
import dev.kubetracker.worker.protocol.udp.UdpRequestHandler;
import dev.kubetracker.worker.stats.RequestCounters;
import dev.kubetracker.worker.stats.RequestCounters.Protocol;
import dev.kubetracker.worker.stats.TrackerStats;
import dev.kubetracker.worker.swarm.AnnouncePolicy;
import dev.kubetracker.worker.swarm.SwarmStore;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Runs made-up client traffic through the real request code (UDP datagrams through
 * {@link UdpRequestHandler}, HTTP connections through a loopback port of the HTTP frontend's own code) before
 * the client ports open, so that the first real requests meet code the JIT has compiled for this traffic. It works
 * on parts of its own: a new store, logic, counters, client limits and connection ids, no change log,
 * and an access list of the same mode that holds only its torrents. Nothing reaches the worker's store,
 * counters, metrics, siblings or access-list statistics; all of it is garbage when {@link #run} returns.
 *
 * <p>The traffic looks like a tracker's: many torrents of skewed popularity, peers that start,
 * re-announce, complete and stop, seeders and leechers, IPv4 and IPv6, connects, multi-hash scrapes,
 * HTTP connections that close after one request and some that keep alive.
 */
public final class WarmUp {
    private static final Logger LOG = Logger.getLogger(WarmUp.class);
    private static final long SEED = 0x6b7475L;
    /** The share of requests handed to the request code directly; the rest come through a loopback socket. */
    private static final double DIRECT_SHARE = 0.75;
    private static final String LOOPBACK = "127.0.0.1";
    private static final int SOCKET_TIMEOUT_MILLIS = 200;
    /** The compiler counts as done when it worked under a tenth of such a pause. */
    private static final long COMPILER_QUIET_MILLIS = 100;

    /** What the warm-up copies from the worker: settings, and factories of fresh stateful parts. */
    public record Setup(int requests, Duration maxTime, Supplier<SwarmStore> stores, Supplier<ClientLimits> limits,
                        Supplier<ConnectionIds> connectionIds, AnnouncePolicy policy, RandomPeers randomPeers,
                        AccessList.Mode accessListMode, int scrapeMaxHashes, int maxRequestLineLength,
                        boolean udp, UdpTransport udpTransport, boolean http) {
    }

    /** What one warm-up ran, counted by its private counters. */
    public record Result(long requests, long millis, boolean stoppedByTime, long udpConnects, long udpAnnounces,
                         long udpScrapes, long httpAnnounces, long httpScrapes, long errors, long torrents,
                         long peers) {
    }

    private final Setup setup;
    private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;

    public WarmUp(Setup setup) {
        this.setup = setup;
    }

    /** Runs the warm-up (nothing when requests is 0) and logs one line of what it ran; null when off. */
    public Result run() throws Exception {
        if (setup.requests() <= 0 || (!setup.udp() && !setup.http())) {
            return null;
        }
        Result r = drive();
        LOG.infof("warm-up: %d requests in %d ms%s (UDP %d connects, %d announces, %d scrapes; HTTP %d announces,"
                        + " %d scrapes; %d errors; %d torrents, %d peers in its own store, now dropped)",
                r.requests(), r.millis(), r.stoppedByTime() ? ", stopped by tracker.warm-up.max-time" : "",
                r.udpConnects(), r.udpAnnounces(), r.udpScrapes(), r.httpAnnounces(), r.httpScrapes(), r.errors(),
                r.torrents(), r.peers());
        return r;
    }

    private Result drive() throws Exception {
        long start = System.nanoTime();
        long deadline = start + setup.maxTime().toNanos();
        SplittableRandom random = new SplittableRandom(SEED);
        WarmUpSwarms swarms = new WarmUpSwarms(setup.requests(), random);
        SwarmStore store = setup.stores().get();
        RequestCounters counters = new RequestCounters();
        AccessList accessList = new AccessList(setup.accessListMode());
        if (setup.accessListMode() == AccessList.Mode.WHITELIST) {
            accessList.replace(InfoHashSet.of(swarms.rows()));
        }
        TrackerLogic logic = new TrackerLogic(store, accessList, setup.policy(), ChangeLog.NONE, setup.randomPeers(),
                counters, setup.limits().get());
        ConnectionIds ids = setup.connectionIds().get();
        UdpRequestHandler udp = new UdpRequestHandler(logic, ids, counters);
        // What comes through the loopback ports comes from one address: a logic without per-client limits
        // serves it, over the same store.
        TrackerLogic unlimited = new TrackerLogic(store, accessList, setup.policy(), ChangeLog.NONE,
                setup.randomPeers(), counters, ClientLimits.none());
        Traffic traffic = new Traffic(swarms, random, udp);
        long sent = 0;
        boolean stoppedByTime = false;
        UdpPort socket = null;
        DatagramSocket client = null;
        HttpFrontend http = null;
        try {
            if (setup.http()) {
                // Through a socket from the start: the connection code then learns accepted epoll sockets, not a
                // stand-in channel it would have to unlearn (a deoptimisation and recompilation under real load).
                http = HttpFrontend.bindForWarmUp(LOOPBACK, setup.maxRequestLineLength(),
                        new HttpRequestRouter(unlimited, setup.scrapeMaxHashes(), counters,
                                new TrackerStats(store, counters, "warm-up", 0), new TrustedProxies(List.of()),
                                new FullScrapeSlots(1), Runnable::run));
                traffic.httpPort = http.port();
            }
            for (long step = 0; sent < setup.requests(); step++) {
                if ((step & 63) == 0 && System.nanoTime() - deadline > 0) {
                    stoppedByTime = true;
                    break;
                }
                if (setup.udp() && socket == null && sent >= setup.requests() * DIRECT_SHARE) {
                    // The second part through a socket of its own, for the frontend's own code (the transport's loop).
                    UdpRequestHandler handler = new UdpRequestHandler(unlimited, ids, counters);
                    socket = setup.udpTransport().bindForWarmUp(LOOPBACK, () -> handler);
                    client = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
                    client.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
                    client.connect(new InetSocketAddress(LOOPBACK, socket.port()));
                    traffic.viaSocket(client);
                }
                int peer = random.nextInt(swarms.peers);
                boolean overHttp = setup.http() && (swarms.http[peer] || !setup.udp());
                sent += overHttp ? traffic.http(peer) : traffic.udp(peer);
            }
        } finally {
            traffic.release();
            if (client != null) {
                client.close();
            }
            if (socket != null) {
                socket.close();
            }
            if (http != null) {
                http.close();
            }
        }
        if (!stoppedByTime) {
            stoppedByTime = !awaitCompilerQuiet(deadline);
        }
        long errors = counters.errors(Protocol.UDP) + counters.errors(Protocol.HTTP);
        return new Result(sent, (System.nanoTime() - start) / 1_000_000, stoppedByTime,
                counters.connects(4) + counters.connects(6), counters.announces(Protocol.UDP),
                counters.scrapes(Protocol.UDP), counters.announces(Protocol.HTTP), counters.scrapes(Protocol.HTTP),
                errors, store.torrents(), store.seeders() + store.leechers());
    }

    /**
     * Waits until the JIT has compiled what the traffic queued (its compile time stops growing), so the
     * compiler threads do not compete with the first real requests; false when the deadline came first.
     */
    private static boolean awaitCompilerQuiet(long deadline) throws InterruptedException {
        CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
        if (compiler == null || !compiler.isCompilationTimeMonitoringSupported()) {
            return true;
        }
        long before = compiler.getTotalCompilationTime();
        while (System.nanoTime() - deadline < 0) {
            Thread.sleep(COMPILER_QUIET_MILLIS);
            long now = compiler.getTotalCompilationTime();
            if (now - before <= COMPILER_QUIET_MILLIS / 10) {
                return true;
            }
            before = now;
        }
        return false;
    }

    /** Builds each request from the swarms' state, sends it through the code under warm-up, reads the reply. */
    private final class Traffic {
        private static final int EVENT_NONE = 0;
        private static final int EVENT_COMPLETED = 1;
        private static final int EVENT_STARTED = 2;
        private static final int EVENT_STOPPED = 3;

        private final WarmUpSwarms swarms;
        private final SplittableRandom random;
        private final UdpRequestHandler udp;
        private final byte[] httpReply = new byte[4096];
        private int httpPort;
        /** As epoll hands datagrams over: slices of one receive buffer. */
        private final ByteBuf received = alloc.directBuffer(2048 * 16);
        private final ClientAddress client = new ClientAddress();
        private final byte[] hash = new byte[20];
        private final StringBuilder line = new StringBuilder(512);
        private final byte[] datagram = new byte[2048];
        private final DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
        private DatagramSocket socket;
        private int transaction;

        Traffic(WarmUpSwarms swarms, SplittableRandom random, UdpRequestHandler udp) {
            this.swarms = swarms;
            this.random = random;
            this.udp = udp;
        }

        /**
         * From now on UDP requests go through {@code client} (all from one loopback address): the peers
         * connect again, as their ids were issued to other addresses.
         */
        void viaSocket(DatagramSocket client) {
            socket = client;
            java.util.Arrays.fill(swarms.connectionId, 0);
        }

        void release() {
            received.release();
        }

        /** The peer's next event, and its state after it. */
        private int nextEvent(int p) {
            if (!swarms.started[p]) {
                swarms.started[p] = true;
                return EVENT_STARTED;
            }
            int roll = random.nextInt(100);
            if (roll < 4) {
                swarms.started[p] = false;
                return EVENT_STOPPED;
            }
            if (swarms.left[p] > 0) {
                if (roll < 12) {
                    swarms.left[p] = 0;
                    return EVENT_COMPLETED;
                }
                swarms.left[p] = Math.max(1, swarms.left[p] - random.nextLong(1L << 24));
            }
            return EVENT_NONE;
        }

        private void setClient(int p) {
            if (swarms.family[p] == 4) {
                client.setV4(swarms.v4[p]);
            } else {
                client.family = 6;
                client.v4 = 0;
                client.v6High = swarms.v6High[p];
                client.v6Low = swarms.v6Low[p];
            }
        }

        /** A connect when the peer holds no id (or it "expired"), then an announce or a scrape. */
        int udp(int p) throws IOException {
            setClient(p);
            int sent = 0;
            if (swarms.connectionId[p] == 0 || random.nextInt(20) == 0) {
                ByteBuf in = datagram();
                in.writeLong(UdpRequest.PROTOCOL_ID).writeInt(UdpRequest.ACTION_CONNECT).writeInt(++transaction);
                ByteBuf out = send(in);
                if (out != null) {
                    swarms.connectionId[p] = out.getLong(8);
                    out.release();
                }
                sent++;
            }
            ByteBuf in = datagram();
            if (random.nextInt(10) == 0) {
                int hashes = 1 + random.nextInt(10);
                in.writeLong(swarms.connectionId[p]).writeInt(UdpRequest.ACTION_SCRAPE).writeInt(++transaction);
                for (int i = 0; i < hashes; i++) {
                    writeHash(in, random.nextInt(swarms.torrents));
                }
            } else {
                int t = swarms.torrentOf[p];
                int event = nextEvent(p);
                in.writeLong(swarms.connectionId[p]).writeInt(UdpRequest.ACTION_ANNOUNCE).writeInt(++transaction);
                writeHash(in, t);
                in.writeBytes(swarms.peerId[p]);
                in.writeLong(random.nextLong(1L << 30)).writeLong(swarms.left[p]).writeLong(random.nextLong(1L << 30));
                in.writeInt(event).writeInt(0).writeInt(random.nextInt()).writeInt(numwant(-1))
                        .writeShort(swarms.port[p]);
            }
            ByteBuf out = send(in);
            if (out != null) {
                out.release();
            }
            return sent + 1;
        }

        private int numwant(int unset) {
            int roll = random.nextInt(10);
            return roll < 6 ? unset : roll < 9 ? 50 : 200;
        }

        private void writeHash(ByteBuf in, int t) {
            in.writeLong(swarms.high(t)).writeLong(swarms.middle(t)).writeInt(swarms.low(t));
        }

        private ByteBuf datagram() {
            received.clear();
            return received;
        }

        /**
         * Hands the datagram over as a slice, as the socket does (or sends it through the warm-up's socket);
         * the reply, or null when dropped.
         */
        private ByteBuf send(ByteBuf in) throws IOException {
            if (socket != null) {
                int length = in.writerIndex();
                in.getBytes(0, datagram, 0, length);
                socket.send(new DatagramPacket(datagram, length));
                try {
                    socket.receive(reply);
                } catch (SocketTimeoutException e) {
                    return null;
                }
                return Unpooled.wrappedBuffer(reply.getData(), 0, reply.getLength());
            }
            ByteBuf slice = in.retainedSlice(0, in.writerIndex());
            ByteBuf out = alloc.ioBuffer(1500);
            try {
                if (udp.handle(slice, client, out)) {
                    return out;
                }
                out.release();
                return null;
            } finally {
                slice.release();
            }
        }

        /**
         * One connection to the warm-up's HTTP port: an announce (or a scrape), and on some keep-alive
         * connections a second request; the replies are read to the end (the server closes after the last).
         */
        int http(int p) throws IOException {
            boolean keepAlive = random.nextInt(4) == 0;
            line.setLength(0);
            request(p, keepAlive);
            if (keepAlive) {
                request(p, false);
            }
            try (Socket connection = new Socket(LOOPBACK, httpPort)) {
                connection.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
                OutputStream out = connection.getOutputStream();
                out.write(line.toString().getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                InputStream in = connection.getInputStream();
                while (in.read(httpReply) >= 0) {
                    // replies are dropped: the server's side is what warms up
                }
            } catch (SocketTimeoutException e) {
                // an unanswered request only warms less
            }
            return keepAlive ? 2 : 1;
        }

        private void request(int p, boolean keepAlive) {
            if (random.nextInt(10) == 0) {
                line.append("GET /scrape?");
                int hashes = 1 + random.nextInt(3);
                for (int i = 0; i < hashes; i++) {
                    line.append(i == 0 ? "info_hash=" : "&info_hash=");
                    appendHash(random.nextInt(swarms.torrents));
                }
            } else {
                int event = nextEvent(p);
                line.append("GET /announce?info_hash=");
                appendHash(swarms.torrentOf[p]);
                line.append("&peer_id=");
                percentEncode(swarms.peerId[p], 0, 20);
                line.append("&port=").append(swarms.port[p])
                        .append("&uploaded=").append(random.nextLong(1L << 30))
                        .append("&downloaded=").append(random.nextLong(1L << 30))
                        .append("&left=").append(swarms.left[p])
                        .append("&corrupt=0&key=").append(Integer.toHexString(random.nextInt()));
                if (event != EVENT_NONE) {
                    line.append("&event=").append(event == EVENT_STARTED ? "started"
                            : event == EVENT_COMPLETED ? "completed" : "stopped");
                }
                int numwant = numwant(-1);
                if (numwant >= 0) {
                    line.append("&numwant=").append(numwant);
                }
                line.append("&compact=1&no_peer_id=1");
                if (random.nextBoolean()) {
                    line.append("&supportcrypto=1&redundant=0");
                }
            }
            line.append(" HTTP/1.1\r\nHost: tracker.example:6969\r\nUser-Agent: qBittorrent/4.6.5\r\n"
                    + "Accept-Encoding: gzip\r\n");
            line.append(keepAlive ? "\r\n" : "Connection: close\r\n\r\n");
        }

        private void appendHash(int t) {
            long high = swarms.high(t);
            long middle = swarms.middle(t);
            int low = swarms.low(t);
            for (int i = 0; i < 8; i++) {
                hash[i] = (byte) (high >>> (56 - 8 * i));
                hash[8 + i] = (byte) (middle >>> (56 - 8 * i));
            }
            for (int i = 0; i < 4; i++) {
                hash[16 + i] = (byte) (low >>> (24 - 8 * i));
            }
            percentEncode(hash, 0, 20);
        }

        private void percentEncode(byte[] bytes, int from, int to) {
            for (int i = from; i < to; i++) {
                int b = bytes[i] & 0xFF;
                if (b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-' || b == '.'
                        || b == '_' || b == '~') {
                    line.append((char) b);
                } else {
                    line.append('%').append(Character.toUpperCase(Character.forDigit(b >>> 4, 16)))
                            .append(Character.toUpperCase(Character.forDigit(b & 15, 16)));
                }
            }
        }
    }
}
