package dev.kubetracker.worker.protocol.udp;

import dev.kubetracker.worker.logic.AnnounceOutcome;
import dev.kubetracker.worker.logic.TrackerLogic;
import dev.kubetracker.worker.net.ClientAddress;
import dev.kubetracker.worker.stats.RequestCounters;
import dev.kubetracker.worker.stats.RequestCounters.ErrorReason;
import dev.kubetracker.worker.swarm.Announce;
import dev.kubetracker.worker.swarm.AnnounceReply;
import dev.kubetracker.worker.swarm.ScrapeCounts;
import io.netty.buffer.ByteBuf;

/**
 * BEP 15 request handling, independent of sockets: reads a datagram in place ({@link UdpRequest}), asks
 * the {@link TrackerLogic}, writes the reply ({@link UdpReply}). One instance per socket thread (it
 * reuses its request and reply objects).
 *
 * <p>Datagrams shorter than 16 bytes, connect requests without the protocol magic and unknown actions
 * (including error packets, action 3) are dropped silently: they are not BEP 15 requests, and answering
 * them would make the tracker a reflector, or start an error ping-pong with another UDP service.
 */
public final class UdpRequestHandler {
    /** Scrape hashes answered per datagram (as opentracker; 74 * 20 + 16 bytes fill a 1500-byte MTU). */
    public static final int MAX_SCRAPE_HASHES = 74;
    /** Peers per reply so that it fits one datagram: 20 + 200 * 6 and 20 + 66 * 18 bytes. */
    static final int MAX_PEERS_V4 = 200;
    static final int MAX_PEERS_V6 = 66;

    private static final Announce.Event[] EVENTS = new Announce.Event[4];

    static {
        EVENTS[UdpRequest.EVENT_NONE] = Announce.Event.NONE;
        EVENTS[UdpRequest.EVENT_COMPLETED] = Announce.Event.COMPLETED;
        EVENTS[UdpRequest.EVENT_STARTED] = Announce.Event.STARTED;
        EVENTS[UdpRequest.EVENT_STOPPED] = Announce.Event.STOPPED;
    }

    private final TrackerLogic logic;
    private final ConnectionIds connectionIds;
    private final RequestCounters counters;

    private final UdpRequest request = new UdpRequest();
    private final Announce announce = new Announce();
    private final AnnounceReply reply = new AnnounceReply(MAX_PEERS_V4);
    private final ScrapeCounts counts = new ScrapeCounts();
    /** Where a scrape's prefetch leaves its meaningless sum, so that its reads are not optimised away. */
    private int prefetched;

    public UdpRequestHandler(TrackerLogic logic, ConnectionIds connectionIds, RequestCounters counters) {
        this.logic = logic;
        this.connectionIds = connectionIds;
        this.counters = counters;
    }

    /**
     * Handles one datagram from {@code client}. Returns true when {@code out} holds a reply to send,
     * false when the datagram is dropped.
     */
    public boolean handle(ByteBuf in, ClientAddress client, ByteBuf out) {
        counters.udpPacket();
        UdpRequest r = request.wrap(in, in.readerIndex(), in.readableBytes());
        if (!r.hasHeader()) {
            counters.error(RequestCounters.Protocol.UDP, ErrorReason.TOO_SHORT);
            return false;
        }
        int action = r.action();
        if (action == UdpRequest.ACTION_CONNECT) {
            if (r.connectionId() != UdpRequest.PROTOCOL_ID) {
                counters.error(RequestCounters.Protocol.UDP, ErrorReason.MALFORMED_REQUEST);
                return false;
            }
            counters.connect(client.family);
            UdpReply.connect(out, r.transactionId(), connectionIds.issue(client));
            return true;
        }
        if (action != UdpRequest.ACTION_ANNOUNCE && action != UdpRequest.ACTION_SCRAPE) {
            counters.error(RequestCounters.Protocol.UDP, ErrorReason.UNKNOWN_ACTION);
            return false;
        }
        if (!connectionIds.isValid(r.connectionId(), client)) {
            return error(out, r, ErrorReason.BAD_CONNECTION_ID, "bad connection id");
        }
        return action == UdpRequest.ACTION_ANNOUNCE ? announce(r, client, out) : scrape(r, client, out);
    }

    private boolean announce(UdpRequest r, ClientAddress client, ByteBuf out) {
        if (!r.isCompleteAnnounce()) {
            return error(out, r, ErrorReason.MALFORMED_REQUEST, "announce too short");
        }
        int event = r.event();
        if (event < 0 || event >= EVENTS.length) {
            return error(out, r, ErrorReason.BAD_EVENT, "invalid event");
        }
        int port = r.port();
        if (port == 0) {
            return error(out, r, ErrorReason.BAD_PORT, "invalid port");
        }
        Announce a = announce;
        a.clear();
        a.infoHash.set(r.infoHashHigh(), r.infoHashMiddle(), r.infoHashLow());
        a.family = client.family;
        a.address4 = client.v4;
        a.address6High = client.v6High;
        a.address6Low = client.v6Low;
        a.port = port;
        a.event = EVENTS[event];
        a.left = r.left();
        boolean v6 = client.family == 6;
        a.numwant = logic.policy().numwant(r.numWant(), v6 ? MAX_PEERS_V6 : MAX_PEERS_V4);

        AnnounceOutcome outcome = logic.announce(a, RequestCounters.Protocol.UDP, reply);
        if (outcome != AnnounceOutcome.SERVED) {
            return refusal(out, r, outcome.failureReason());
        }
        UdpReply.announce(out, r.transactionId(), reply, v6);
        return true;
    }

    /** A datagram dropped unread because replies cannot leave fast enough. */
    public void overloaded() {
        counters.udpPacket();
        counters.error(RequestCounters.Protocol.UDP, ErrorReason.OVERLOADED);
    }

    /** A reply made but not sent because the socket's send buffer is full (the datagram was counted). */
    public void replyDropped() {
        counters.error(RequestCounters.Protocol.UDP, ErrorReason.OVERLOADED);
    }

    /** A reply made but refused by the kernel for another reason than a full buffer. */
    public void replyFailed() {
        counters.error(RequestCounters.Protocol.UDP, ErrorReason.INTERNAL);
    }

    private boolean scrape(UdpRequest r, ClientAddress client, ByteBuf out) {
        int hashes = Math.min(r.scrapeHashCount(), MAX_SCRAPE_HASHES);
        if (hashes == 0) {
            return error(out, r, ErrorReason.MALFORMED_REQUEST, "scrape without info_hash");
        }
        if (!logic.admitScrape(RequestCounters.Protocol.UDP, client)) {
            return refusal(out, r, AnnounceOutcome.RATE_LIMITED.failureReason());
        }
        UdpReply.scrapeHeader(out, r.transactionId());
        int sum = 0;
        for (int i = 0; i < hashes; i++) {
            sum += logic.prefetchScrape(r.scrapeHashHigh(i), r.scrapeHashMiddle(i), r.scrapeHashLow(i));
        }
        prefetched = sum;
        for (int i = 0; i < hashes; i++) {
            logic.scrape(r.scrapeHashHigh(i), r.scrapeHashMiddle(i), r.scrapeHashLow(i), counts);
            UdpReply.scrapeEntry(out, counts.seeders, counts.downloaded, counts.leechers);
        }
        return true;
    }

    private boolean error(ByteBuf out, UdpRequest r, ErrorReason reason, String message) {
        counters.error(RequestCounters.Protocol.UDP, reason);
        return refusal(out, r, message);
    }

    /**
     * An error packet, but never one larger than the request: a spoofed source must not turn the
     * tracker into an amplifier. Too-short requests are then dropped (the refusal is still counted).
     */
    private static boolean refusal(ByteBuf out, UdpRequest r, String message) {
        if (UdpReply.errorLength(message) > r.length()) {
            return false;
        }
        UdpReply.error(out, r.transactionId(), message);
        return true;
    }
}
