package dev.kubetracker.worker.protocol.udp;

import dev.kubetracker.worker.access.AccessList;
import dev.kubetracker.worker.cluster.ChangeLog;
import dev.kubetracker.worker.deniability.RandomPeers;
import dev.kubetracker.worker.net.ClientAddress;
import dev.kubetracker.worker.stats.RequestCounters;
import dev.kubetracker.worker.stats.RequestCounters.ErrorReason;
import dev.kubetracker.worker.swarm.Announce;
import dev.kubetracker.worker.swarm.AnnouncePolicy;
import dev.kubetracker.worker.swarm.AnnounceReply;
import dev.kubetracker.worker.swarm.PeerRecord;
import dev.kubetracker.worker.swarm.ScrapeCounts;
import dev.kubetracker.worker.swarm.SwarmStore;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * BEP 15 request handling, independent of sockets: decodes a datagram in place and writes the reply.
 * One instance per socket thread (it reuses its request and reply objects).
 *
 * <p>Datagrams shorter than 16 bytes, connect requests without the protocol magic and unknown actions
 * (including error packets, action 3) are dropped silently: they are not BEP 15 requests, and answering
 * them would make the tracker a reflector, or start an error ping-pong with another UDP service.
 */
public final class UdpRequestHandler {
    public static final long PROTOCOL_ID = 0x41727101980L;
    public static final int ACTION_CONNECT = 0;
    public static final int ACTION_ANNOUNCE = 1;
    public static final int ACTION_SCRAPE = 2;
    public static final int ACTION_ERROR = 3;

    static final int HEADER = 16;
    static final int ANNOUNCE_LENGTH = 98;
    /** Scrape hashes answered per datagram (as opentracker; 74 * 20 + 16 bytes fill a 1500-byte MTU). */
    public static final int MAX_SCRAPE_HASHES = 74;
    /** Peers per reply so that it fits one datagram: 20 + 200 * 6 and 20 + 66 * 18 bytes. */
    static final int MAX_PEERS_V4 = 200;
    static final int MAX_PEERS_V6 = 66;

    private static final Announce.Event[] EVENTS = {
        Announce.Event.NONE, Announce.Event.COMPLETED, Announce.Event.STARTED, Announce.Event.STOPPED
    };

    private final SwarmStore store;
    private final ConnectionIds connectionIds;
    private final AnnouncePolicy policy;
    private final RequestCounters counters;
    private final AccessList accessList;
    private final RandomPeers randomPeers;
    private final ChangeLog changes;

    private final Announce announce = new Announce();
    private final AnnounceReply reply = new AnnounceReply(MAX_PEERS_V4);
    private final ScrapeCounts counts = new ScrapeCounts();

    public UdpRequestHandler(SwarmStore store, ConnectionIds connectionIds, AnnouncePolicy policy,
                             RequestCounters counters, AccessList accessList, RandomPeers randomPeers,
                             ChangeLog changes) {
        this.changes = changes;
        this.store = store;
        this.connectionIds = connectionIds;
        this.policy = policy;
        this.counters = counters;
        this.accessList = accessList;
        this.randomPeers = randomPeers;
    }

    /**
     * Handles one datagram from {@code client}. Returns true when {@code out} holds a reply to send,
     * false when the datagram is dropped.
     */
    public boolean handle(ByteBuf in, ClientAddress client, ByteBuf out) {
        counters.udpPacket();
        int start = in.readerIndex();
        int length = in.readableBytes();
        if (length < HEADER) {
            counters.error(RequestCounters.Protocol.UDP, ErrorReason.TOO_SHORT);
            return false;
        }
        long connectionId = in.getLong(start);
        int action = in.getInt(start + 8);
        int transactionId = in.getInt(start + 12);
        if (action == ACTION_CONNECT) {
            if (connectionId != PROTOCOL_ID) {
                counters.error(RequestCounters.Protocol.UDP, ErrorReason.MALFORMED_REQUEST);
                return false;
            }
            counters.connect(client.family);
            out.writeInt(ACTION_CONNECT).writeInt(transactionId).writeLong(connectionIds.issue(client));
            return true;
        }
        if (action != ACTION_ANNOUNCE && action != ACTION_SCRAPE) {
            counters.error(RequestCounters.Protocol.UDP, ErrorReason.UNKNOWN_ACTION);
            return false;
        }
        if (!connectionIds.isValid(connectionId, client)) {
            return error(out, length, transactionId, ErrorReason.BAD_CONNECTION_ID, "bad connection id");
        }
        return action == ACTION_ANNOUNCE
                ? announce(in, start, length, transactionId, client, out)
                : scrape(in, start, length, transactionId, client, out);
    }

    private boolean announce(ByteBuf in, int start, int length, int transactionId, ClientAddress client, ByteBuf out) {
        // Bytes past 98 are BEP 41 options (e.g. the URL path): tolerated and ignored.
        if (length < ANNOUNCE_LENGTH) {
            return error(out, length, transactionId, ErrorReason.MALFORMED_REQUEST, "announce too short");
        }
        int event = in.getInt(start + 80);
        if (event < 0 || event >= EVENTS.length) {
            return error(out, length, transactionId, ErrorReason.BAD_EVENT, "invalid event");
        }
        int port = in.getUnsignedShort(start + 96);
        if (port == 0) {
            return error(out, length, transactionId, ErrorReason.BAD_PORT, "invalid port");
        }
        Announce a = announce;
        a.clear();
        a.infoHash.set(in.getLong(start + 16), in.getLong(start + 24), in.getInt(start + 32));
        a.family = client.family;
        a.address4 = client.v4;
        a.address6High = client.v6High;
        a.address6Low = client.v6Low;
        a.port = port;
        a.event = EVENTS[event];
        a.left = in.getLong(start + 64);
        boolean v6 = client.family == 6;
        a.numwant = policy.numwant(in.getInt(start + 92), v6 ? MAX_PEERS_V6 : MAX_PEERS_V4);

        switch (store.announce(a, reply)) {
            case REFUSED -> {
                return error(out, length, transactionId, ErrorReason.NOT_AUTHORIZED, AccessList.REFUSAL);
            }
            case FULL -> {
                return error(out, length, transactionId, ErrorReason.TRACKER_FULL, "tracker full: no new torrents");
            }
            case ACCEPTED -> changes.record(a);
        }
        if (a.event != Announce.Event.STOPPED) {
            randomPeers.mixInto(reply, client.family, a.numwant, ThreadLocalRandom.current());
        }
        counters.announce(RequestCounters.Protocol.UDP, client.family, a.event);

        out.writeInt(ACTION_ANNOUNCE).writeInt(transactionId).writeInt(policy.randomizedInterval())
                .writeInt(reply.leechers).writeInt(reply.seeders);
        if (v6) {
            for (int i = 0; i < reply.peers6Count; i++) {
                out.writeLong(reply.peers6[3 * i]).writeLong(reply.peers6[3 * i + 1])
                        .writeShort(PeerRecord.port(reply.peers6[3 * i + 2]));
            }
        } else {
            for (int i = 0; i < reply.peers4Count; i++) {
                long key = PeerRecord.v4Key(reply.peers4[i]);
                out.writeInt((int) (key >>> 16)).writeShort((int) key);
            }
        }
        return true;
    }


    /** A datagram dropped unread because replies cannot leave fast enough. */
    public void overloaded() {
        counters.udpPacket();
        counters.error(RequestCounters.Protocol.UDP, ErrorReason.OVERLOADED);
    }

    private boolean scrape(ByteBuf in, int start, int length, int transactionId, ClientAddress client, ByteBuf out) {
        int hashes = Math.min((length - HEADER) / 20, MAX_SCRAPE_HASHES);
        if (hashes == 0) {
            return error(out, length, transactionId, ErrorReason.MALFORMED_REQUEST, "scrape without info_hash");
        }
        counters.scrape(RequestCounters.Protocol.UDP, client.family);
        out.writeInt(ACTION_SCRAPE).writeInt(transactionId);
        for (int i = 0; i < hashes; i++) {
            int at = start + HEADER + 20 * i;
            long high = in.getLong(at);
            long middle = in.getLong(at + 8);
            int low = in.getInt(at + 16);
            store.scrape(high, middle, low, counts);
            if (!accessList.allows(high, middle, low)) {
                counts.seeders = 0; // a refused torrent does not exist here, whatever is left in RAM
                counts.downloaded = 0;
                counts.leechers = 0;
            }
            out.writeInt(counts.seeders).writeInt(counts.downloaded).writeInt(counts.leechers);
        }
        return true;
    }

    /**
     * An error packet, but never one larger than the request: a spoofed source must not turn the
     * tracker into an amplifier. Too-short requests are then dropped (and still counted).
     */
    private boolean error(ByteBuf out, int requestLength, int transactionId, ErrorReason reason, String message) {
        counters.error(RequestCounters.Protocol.UDP, reason);
        if (8 + message.length() > requestLength) {
            return false;
        }
        out.writeInt(ACTION_ERROR).writeInt(transactionId).writeCharSequence(message, StandardCharsets.US_ASCII);
        return true;
    }
}
