package dev.kubetracker.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * HTTP announce load from one thread: {@code window} connections, one request in flight on each. With
 * keep-alive a connection carries request after request (and is opened again when the server closes it);
 * without, every request opens a connection from the peer's own source address, says
 * {@code Connection: close}, and the slot is free again when the server has closed.
 */
public final class HttpLoad implements AutoCloseable {
    private static final int BUFFER = 16 * 1024;

    private final LoadOptions o;
    private final TorrentModel model;
    private final Selector selector;
    private final SplittableRandom random;
    private final byte[] host;
    private final InetSocketAddress[] sources;
    private final Slot[] slots;
    private final byte[] hash = new byte[20];

    private final RequestStats announces = new RequestStats("announce");
    private boolean recording;
    private long sentWhileRecording;
    private long reconnects;
    private long sendFailures;
    private final Consumer<SelectionKey> onReady = this::ready;

    /** One connection and the request it carries. */
    private static final class Slot {
        final Integer id;
        final byte[] request = new byte[HttpCodec.MAX_REQUEST];
        final ByteBuffer requestBuffer = ByteBuffer.wrap(request);
        final byte[] reply = new byte[BUFFER];
        final ByteBuffer replyBuffer = ByteBuffer.wrap(reply);
        SocketChannel channel;
        HttpCodec.Reply head;
        boolean answered;
        long sentAt;
        int source;

        Slot(int id) {
            this.id = id;
        }
    }

    public HttpLoad(LoadOptions options) throws IOException {
        this.o = options;
        this.model = options.model();
        this.random = new SplittableRandom(options.seed());
        this.host = options.targetText().getBytes(StandardCharsets.US_ASCII);
        boolean loopback = options.target().getAddress().isLoopbackAddress();
        this.sources = new InetSocketAddress[model.sources()];
        for (int i = 0; i < sources.length; i++) {
            sources[i] = loopback ? new InetSocketAddress(InetAddress.getByAddress(TorrentModel.sourceAddress(i)), 0)
                    : null;
        }
        this.selector = Selector.open();
        this.slots = new Slot[options.window()];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new Slot(i);
            slots[i].source = i % sources.length;
        }
    }

    public RunReport run() throws IOException {
        TrackerCpu cpu = new TrackerCpu(o.trackerPid());
        long timeoutNanos = o.timeout().toNanos();
        long start = System.nanoTime();
        long recordFrom = start + o.warmup().toNanos();
        long recordUntil = recordFrom + o.duration().toNanos();
        long windowStart = 0;
        double cpuStart = 0;
        long lastExpiry = start;
        for (Slot slot : slots) {
            startRequest(slot, start);
        }
        while (true) {
            long now = System.nanoTime();
            if (!recording && windowStart == 0 && now >= recordFrom) {
                announces.reset();
                reconnects = sendFailures = 0;
                recording = true;
                windowStart = now;
                cpuStart = cpu.seconds();
            }
            if (recording && (now >= recordUntil || sentWhileRecording >= o.maxRequests())) {
                recording = false;
                recordUntil = now;
                break;
            }
            selector.select(onReady, 1);
            if (now - lastExpiry > 10_000_000L) {
                expire(now, timeoutNanos);
                lastExpiry = now;
            }
        }
        double cpuSeconds = o.trackerPid() > 0 ? cpu.seconds() - cpuStart : 0;
        double seconds = (recordUntil - windowStart) / 1e9;
        return new RunReport(o.scenario(), o.tracker(), o.start(), o.targetText(), seconds,
                List.of(announces.summary(seconds)), 0, reconnects, sendFailures, cpuSeconds, 0);
    }

    /** Picks a peer (of the slot's source address, with keep-alive) and sends its announce. */
    private void startRequest(Slot slot, long now) throws IOException {
        int source = o.keepAlive() ? slot.source : random.nextInt(sources.length);
        int peer = model.peerOfSource(source, random.nextInt(model.peersOfSource(source)));
        model.infoHash(model.torrentOf(peer), hash, 0);
        int length = HttpCodec.announce(slot.request, hash, 0, peer, model.portOf(peer), model.isSeeder(peer),
                o.numwant(), host, o.keepAlive());
        slot.requestBuffer.clear().limit(length);
        slot.replyBuffer.clear();
        slot.head = null;
        slot.answered = false;
        slot.sentAt = now;
        if (recording) {
            sentWhileRecording++;
        }
        if (slot.channel != null && slot.channel.isOpen()) {
            write(slot);
            return;
        }
        slot.source = source;
        open(slot);
    }

    private void open(Slot slot) throws IOException {
        SocketChannel ch = SocketChannel.open();
        slot.channel = ch;
        ch.configureBlocking(false);
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        if (sources[slot.source] != null) {
            ch.bind(sources[slot.source]);
        }
        if (ch.connect(o.target())) {
            ch.register(selector, SelectionKey.OP_READ, slot.id);
            write(slot);
        } else {
            ch.register(selector, SelectionKey.OP_CONNECT, slot.id);
        }
    }

    private void write(Slot slot) throws IOException {
        slot.channel.write(slot.requestBuffer);
        if (slot.requestBuffer.hasRemaining()) {
            // A few hundred bytes into an empty socket buffer: never partial in practice.
            sendFailures++;
            fail(slot, System.nanoTime());
        }
    }

    private void ready(SelectionKey key) {
        Slot slot = slots[(Integer) key.attachment()];
        if (key.channel() != slot.channel) {
            return; // a closed connection's last event
        }
        long now = System.nanoTime();
        try {
            if (key.isConnectable()) {
                slot.channel.finishConnect();
                key.interestOps(SelectionKey.OP_READ);
                write(slot);
                return;
            }
            if (key.isReadable()) {
                read(slot, now);
            }
        } catch (IOException e) {
            try {
                fail(slot, now);
            } catch (IOException again) {
                throw new IllegalStateException("cannot open a connection", again);
            }
        }
    }

    private void read(Slot slot, long now) throws IOException {
        ByteBuffer buffer = slot.replyBuffer;
        int n = slot.channel.read(buffer);
        if (n < 0) {
            closed(slot, now);
            return;
        }
        if (slot.answered) {
            return; // bytes after the reply: nothing to expect, the server will close
        }
        int received = buffer.position();
        if (slot.head == null) {
            slot.head = HttpCodec.parseHead(slot.reply, received);
        }
        if (slot.head != null && slot.head.completeAt(received)) {
            answer(slot, slot.head.headLength() + Math.max(0, slot.head.contentLength()), now);
        } else if (!buffer.hasRemaining()) {
            count(UdpCodec.Verdict.INVALID, 0); // a reply larger than any announce reply
            close(slot);
            startRequest(slot, now);
        }
    }

    private void answer(Slot slot, int length, long now) throws IOException {
        slot.answered = true;
        count(HttpCodec.checkAnnounce(slot.reply, length, slot.head), now - slot.sentAt);
        if (o.keepAlive()) {
            startRequest(slot, now);
        } // else: wait for the server to close, so the client side never holds a TIME_WAIT
    }

    /** The server closed: the end of a reply without Content-Length, of a keep-alive, or a failure. */
    private void closed(Slot slot, long now) throws IOException {
        int received = slot.replyBuffer.position();
        close(slot);
        if (!slot.answered) {
            if (slot.head != null && slot.head.contentLength() < 0) {
                answer(slot, received, now);
                if (o.keepAlive()) {
                    return; // answer() has sent the next request on a new connection
                }
            } else if (received == 0 && o.keepAlive()) {
                reconnects++; // the server does not keep connections alive: send again on a new one
                slot.requestBuffer.rewind();
                open(slot);
                return;
            } else {
                count(UdpCodec.Verdict.INVALID, 0);
            }
        }
        startRequest(slot, now);
    }

    private void fail(Slot slot, long now) throws IOException {
        count(UdpCodec.Verdict.INVALID, 0);
        close(slot);
        startRequest(slot, now);
    }

    private void count(UdpCodec.Verdict verdict, long latency) {
        if (recording) {
            announces.record(verdict, latency);
        }
    }

    private void expire(long now, long timeoutNanos) throws IOException {
        for (Slot slot : slots) {
            if (now - slot.sentAt > timeoutNanos) {
                if (recording && !slot.answered) {
                    announces.timeout();
                }
                close(slot);
                startRequest(slot, now);
            }
        }
    }

    private static void close(Slot slot) throws IOException {
        if (slot.channel != null) {
            slot.channel.close();
            slot.channel = null;
        }
    }

    @Override
    public void close() throws IOException {
        for (Slot slot : slots) {
            close(slot);
        }
        selector.close();
    }
}
