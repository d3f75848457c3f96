package dev.kubetracker.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * BEP 15 load from one thread: one connected socket per source address (a simulated client that connects
 * once and reuses its connection id), a window of requests in flight over all sockets, announces and
 * scrapes mixed 100:1. A request's slot in the window is the low 16 bits of its transaction id.
 * With --reannounce the peers announce in turn as --fill has them, round after round, the same torrent each
 * time (clients the tracker knows). With --new-torrents every announce is for a torrent never announced
 * before, with a peer of its own (a flood). With --rate the requests are paced to that many a second.
 */
public final class UdpLoad implements AutoCloseable {
    private static final byte CONNECT = 0;
    private static final byte ANNOUNCE = 1;
    private static final byte SCRAPE = 2;
    /** A connect whose reply is followed by an announce in the same slot (--connect-each). */
    private static final byte CONNECT_THEN_ANNOUNCE = 3;

    private final LoadOptions o;
    private final TorrentModel model;
    private final DatagramChannel[] channels;
    private final Selector selector;
    private final SplittableRandom random;

    private final long[] connectionId;
    private final byte[] socketState; // 0 not connected, 1 connect in flight, 2 connected
    private final int[] slotTransaction;
    private final long[] slotSentAt;
    private final byte[] slotKind;
    private final int[] slotSocket;
    private final int[] slotPeer;
    private final int[] freeSlots;
    private int freeCount;
    private int sequence = 1;
    private int nextSocket;
    private long requestNumber;
    /**
     * With --fill: how many of each socket's peers have announced, and how many have not; with --reannounce:
     * each socket's next peer in its round.
     */
    private final int[] filled;
    private long unfilled;

    private final ByteBuffer sendBuffer = ByteBuffer.allocateDirect(2048);
    private final ByteBuffer receiveBuffer = ByteBuffer.allocateDirect(2048);
    private final byte[] hashes = new byte[20 * 74];

    private final RequestStats connects = new RequestStats("connect");
    private final RequestStats announces = new RequestStats("announce");
    private final RequestStats scrapes = new RequestStats("scrape");
    private boolean recording;
    private long lateReplies;
    private long sendFailures;
    private long sentWhileRecording;
    /** Peers in the good announce replies of the measured window. */
    private long peersReceived;
    private final Refusals refusals = new Refusals();
    /** With --rate: when the run started and how many requests it has sent. */
    private long startNanos;
    private long sent;
    /** With --new-torrents: the rank of the next torrent, each announced once. */
    private int nextNewTorrent;
    private volatile boolean stopRequested;
    private final Consumer<SelectionKey> onReadable = this::drain;

    public UdpLoad(LoadOptions options) throws IOException {
        this.o = options;
        this.model = options.model();
        this.random = new SplittableRandom(options.seed());
        int sockets = model.sources();
        this.channels = new DatagramChannel[sockets];
        this.connectionId = new long[sockets];
        this.socketState = new byte[sockets];
        int w = options.window();
        this.slotTransaction = new int[w];
        this.slotSentAt = new long[w];
        this.slotKind = new byte[w];
        this.slotSocket = new int[w];
        this.slotPeer = new int[w];
        this.freeSlots = new int[w];
        this.filled = new int[sockets];
        this.unfilled = options.fill() ? model.peers() : 0;
        for (int i = 0; i < w; i++) {
            freeSlots[freeCount++] = w - 1 - i;
        }
        this.selector = Selector.open();
        boolean loopback = options.target().getAddress().isLoopbackAddress();
        try {
            for (int i = 0; i < sockets; i++) {
                DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET);
                channels[i] = ch;
                ch.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
                ch.setOption(StandardSocketOptions.SO_SNDBUF, 1 << 20);
                byte[] source = TorrentModel.sourceAddress(o.firstSource() + i);
                ch.bind(loopback ? new InetSocketAddress(InetAddress.getByAddress(source), 0) : null);
                ch.connect(options.target());
                ch.configureBlocking(false);
                ch.register(selector, SelectionKey.OP_READ, i);
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    public RunReport run() throws IOException {
        TrackerCpu cpu = new TrackerCpu(o.trackerPid());
        long timeoutNanos = o.timeout().toNanos();
        long start = System.nanoTime();
        startNanos = start;
        long recordFrom = start + o.warmup().toNanos();
        long recordUntil = recordFrom + o.duration().toNanos();
        long lastExpiry = start;
        long windowStart = 0;
        double cpuStart = 0;
        boolean done = false;
        while (!done) {
            long now = System.nanoTime();
            if (!recording && now >= recordFrom && windowStart == 0) {
                connects.reset();
                announces.reset();
                scrapes.reset();
                refusals.reset();
                lateReplies = sendFailures = peersReceived = 0;
                recording = true;
                windowStart = now;
                cpuStart = cpu.seconds();
            }
            boolean stopSending = now >= recordUntil || stopRequested || sentWhileRecording >= o.maxRequests()
                    || (o.fill() && unfilled == 0 && freeCount == slotTransaction.length);
            if (stopSending) {
                recording = false; // replies still in flight are not counted
                recordUntil = now;
                break;
            }
            fillWindow(now);
            selector.select(onReadable, 1);
            if (now - lastExpiry > 10_000_000L) {
                expire(now, timeoutNanos);
                lastExpiry = now;
            }
        }
        double cpuSeconds = o.trackerPid() > 0 ? cpu.seconds() - cpuStart : 0;
        double seconds = windowStart == 0 ? 0 : (recordUntil - windowStart) / 1e9;
        drainInFlight(timeoutNanos);
        long okAnnounces = announces.completed();
        return new RunReport(o.scenario(), o.tracker(), o.start(), o.targetText(), seconds,
                List.of(connects.summary(seconds), announces.summary(seconds), scrapes.summary(seconds)),
                lateReplies, 0, sendFailures, cpuSeconds, okAnnounces == 0 ? 0 : (double) peersReceived / okAnnounces);
    }

    /** Ends the run soon, from another thread, as if its duration were over. */
    public void stop() {
        stopRequested = true;
    }

    /** The announce error replies of the measured window, by kind (valid once {@link #run} returned). */
    public Refusals refusals() {
        return refusals;
    }

    /** Lets the replies still in flight arrive (or time out) so that the next run starts clean. */
    private void drainInFlight(long timeoutNanos) throws IOException {
        long until = System.nanoTime() + timeoutNanos;
        while (freeCount < slotTransaction.length && System.nanoTime() < until) {
            selector.select(onReadable, 5);
        }
    }

    private void fillWindow(long now) throws IOException {
        int attempts = channels.length;
        long allowed = o.rate() > 0 ? (long) ((now - startNanos) * o.rate() / 1e9) + 1 : Long.MAX_VALUE;
        while (freeCount > 0 && attempts-- > 0 && sent < allowed) {
            int s = nextSocket;
            nextSocket = s + 1 == channels.length ? 0 : s + 1;
            if (socketState[s] == 1 || (o.fill() && socketState[s] == 2 && filled[s] == model.peersOfSource(s))) {
                continue;
            }
            attempts = channels.length;
            int slot = freeSlots[--freeCount];
            if (!send(slot, s, now)) {
                freeSlots[freeCount++] = slot;
                return; // the socket buffer is full: wait for replies
            }
        }
    }

    /** Sends the next request of socket {@code s} in {@code slot}; false when the kernel took nothing. */
    private boolean send(int slot, int s, long now) throws IOException {
        if (socketState[s] == 0) {
            socketState[s] = 1;
            if (!sendConnect(slot, s, CONNECT, now)) {
                socketState[s] = 0;
                return false;
            }
            return true;
        }
        if (o.fill() || o.reannounce()) {
            int peer = model.peerOfSource(s, filled[s]);
            if (!sendAnnounce(slot, s, peer, o.fillTorrentOf(peer), connectionId[s], now)) {
                return false;
            }
            if (o.fill()) {
                filled[s]++;
                unfilled--;
            } else {
                filled[s] = filled[s] + 1 == model.peersOfSource(s) ? 0 : filled[s] + 1;
            }
            return true;
        }
        if (o.newTorrents()) {
            return sendNewTorrent(slot, s, now);
        }
        int peer = model.peerOfSource(s, random.nextInt(model.peersOfSource(s)));
        if (o.connectEach()) {
            slotPeer[slot] = peer;
            return sendConnect(slot, s, CONNECT_THEN_ANNOUNCE, now);
        }
        if (o.isScrape(requestNumber++)) {
            int count = o.scrapeHashes();
            for (int i = 0; i < count; i++) {
                model.infoHash(model.torrentOf(random.nextInt(model.peers())), hashes, 20 * i);
            }
            UdpCodec.scrape(sendBuffer, connectionId[s], newTransaction(slot), hashes, count);
            return write(slot, s, SCRAPE, now);
        }
        return sendAnnounce(slot, s, peer, model.torrentOf(peer), connectionId[s], now);
    }

    private boolean sendConnect(int slot, int s, byte kind, long now) throws IOException {
        UdpCodec.connect(sendBuffer, newTransaction(slot));
        return write(slot, s, kind, now);
    }

    private boolean sendAnnounce(int slot, int s, int peer, int torrent, long cid, long now) throws IOException {
        model.infoHash(torrent, hashes, 0);
        UdpCodec.announce(sendBuffer, cid, newTransaction(slot), hashes, 0, peer, model.isSeeder(peer), o.numwant(),
                model.portOf(peer));
        return write(slot, s, ANNOUNCE, now);
    }

    /** An announce of a new peer for a torrent never announced before: the store must grow to hold it. */
    private boolean sendNewTorrent(int slot, int s, long now) throws IOException {
        int n = nextNewTorrent++;
        model.infoHash(n, hashes, 0);
        UdpCodec.announce(sendBuffer, connectionId[s], newTransaction(slot), hashes, 0, n, false, o.numwant(),
                TorrentModel.FIRST_PORT + n % TorrentModel.MAX_PEERS_PER_SOURCE);
        return write(slot, s, ANNOUNCE, now);
    }

    private int newTransaction(int slot) {
        int seq = sequence++;
        if ((seq & 0xFFFF) == 0) {
            seq = sequence++;
        }
        int tx = (seq << 16) | slot;
        slotTransaction[slot] = tx;
        return tx;
    }

    private boolean write(int slot, int s, byte kind, long now) throws IOException {
        int n;
        try {
            n = channels[s].write(sendBuffer);
        } catch (PortUnreachableException e) {
            n = 0; // an ICMP error from an earlier datagram; the tracker is not (yet) there
        }
        if (n == 0) {
            slotTransaction[slot] = 0;
            sendFailures++;
            return false;
        }
        slotKind[slot] = kind;
        slotSocket[slot] = s;
        slotSentAt[slot] = now;
        sent++;
        if (recording) {
            sentWhileRecording++;
        }
        return true;
    }

    private void drain(SelectionKey key) {
        int s = (Integer) key.attachment();
        DatagramChannel ch = channels[s];
        try {
            while (true) {
                receiveBuffer.clear();
                int n;
                try {
                    n = ch.read(receiveBuffer);
                } catch (PortUnreachableException e) {
                    continue;
                }
                if (n <= 0) {
                    return;
                }
                receiveBuffer.flip();
                onReply(s, receiveBuffer);
            }
        } catch (IOException e) {
            throw new IllegalStateException("UDP receive failed", e);
        }
    }

    private void onReply(int s, ByteBuffer reply) throws IOException {
        int tx = UdpCodec.transactionId(reply);
        int slot = tx & 0xFFFF;
        if (tx == 0 || slot >= slotTransaction.length || slotTransaction[slot] != tx || slotSocket[slot] != s) {
            lateReplies++;
            return;
        }
        long now = System.nanoTime();
        long latency = now - slotSentAt[slot];
        switch (slotKind[slot]) {
            case CONNECT, CONNECT_THEN_ANNOUNCE -> {
                UdpCodec.Verdict v = UdpCodec.checkConnect(reply);
                count(connects, v, latency);
                if (v == UdpCodec.Verdict.OK) {
                    long cid = UdpCodec.connectionId(reply);
                    if (slotKind[slot] == CONNECT_THEN_ANNOUNCE
                            && sendAnnounce(slot, s, slotPeer[slot], model.torrentOf(slotPeer[slot]), cid, now)) {
                        return; // the slot stays busy with the announce
                    }
                    if (slotKind[slot] == CONNECT) {
                        connectionId[s] = cid;
                        socketState[s] = 2;
                    }
                } else if (slotKind[slot] == CONNECT) {
                    socketState[s] = 0;
                }
            }
            case ANNOUNCE -> {
                UdpCodec.Verdict v = UdpCodec.checkAnnounce(reply, o.numwant());
                count(announces, v, latency);
                if (v == UdpCodec.Verdict.OK && recording) {
                    peersReceived += UdpCodec.peerCount(reply);
                }
                if (v == UdpCodec.Verdict.ERROR_REPLY) {
                    Refusals.Kind kind = Refusals.kindOf(reply);
                    if (recording) {
                        refusals.record(kind, now);
                    }
                    if (kind == Refusals.Kind.OTHER && !o.connectEach()) {
                        socketState[s] = 0; // most likely an expired connection id: connect again
                    }
                }
            }
            default -> count(scrapes, UdpCodec.checkScrape(reply, o.scrapeHashes()), latency);
        }
        release(slot);
    }

    private void count(RequestStats stats, UdpCodec.Verdict verdict, long latency) {
        if (recording) {
            stats.record(verdict, latency);
        }
    }

    private void release(int slot) {
        slotTransaction[slot] = 0;
        freeSlots[freeCount++] = slot;
    }

    private void expire(long now, long timeoutNanos) {
        for (int slot = 0; slot < slotTransaction.length; slot++) {
            if (slotTransaction[slot] != 0 && now - slotSentAt[slot] > timeoutNanos) {
                byte kind = slotKind[slot];
                if (recording) {
                    (kind == ANNOUNCE ? announces : kind == SCRAPE ? scrapes : connects).timeout();
                }
                if (kind == CONNECT) {
                    socketState[slotSocket[slot]] = 0;
                }
                release(slot);
            }
        }
    }

    @Override
    public void close() throws IOException {
        for (DatagramChannel ch : channels) {
            if (ch != null) {
                ch.close();
            }
        }
        selector.close();
    }
}
