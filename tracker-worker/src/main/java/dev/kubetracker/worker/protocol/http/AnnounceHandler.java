package dev.kubetracker.worker.protocol.http;

import dev.kubetracker.worker.access.AccessList;
import dev.kubetracker.worker.cluster.ChangeLog;
import dev.kubetracker.worker.deniability.RandomPeers;
import dev.kubetracker.worker.net.ClientAddress;
import dev.kubetracker.worker.protocol.bencode.BencodeWriter;
import dev.kubetracker.worker.stats.RequestCounters;
import dev.kubetracker.worker.stats.RequestCounters.ErrorReason;
import dev.kubetracker.worker.swarm.Announce;
import dev.kubetracker.worker.swarm.AnnouncePolicy;
import dev.kubetracker.worker.swarm.AnnounceReply;
import dev.kubetracker.worker.swarm.InfoHash;
import dev.kubetracker.worker.swarm.PeerRecord;
import dev.kubetracker.worker.swarm.SwarmStore;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.ThreadLocalRandom;

/**
 * HTTP announce (BEP 3, 7, 23): decodes the query into an {@link Announce}, updates the store and
 * writes the bencoded reply, with {@code peers} (compact IPv4, or the dictionary list for
 * {@code compact=0}) and, when there are any, {@code peers6} (compact IPv6). One instance per
 * event-loop thread.
 */
final class AnnounceHandler {
    private final SwarmStore store;
    private final AnnouncePolicy policy;
    private final RequestCounters counters;
    private final AccessList accessList;
    private final RandomPeers randomPeers;
    private final ChangeLog changes;
    private final QueryParser query = new QueryParser();
    private final Announce announce = new Announce();
    private final AnnounceReply reply;

    AnnounceHandler(SwarmStore store, AnnouncePolicy policy, RequestCounters counters, AccessList accessList,
                    RandomPeers randomPeers, ChangeLog changes) {
        this.changes = changes;
        this.store = store;
        this.policy = policy;
        this.counters = counters;
        this.accessList = accessList;
        this.randomPeers = randomPeers;
        this.reply = new AnnounceReply(policy.numwantMax());
    }

    /** Writes the reply body to {@code out} and returns the HTTP status. */
    int handle(byte[] target, int targetLength, ClientAddress client, ByteBuf out) {
        Announce a = announce;
        a.clear();
        boolean hasHash = false;
        boolean hasPort = false;
        boolean compact = true;
        long numwant = -1;
        query.reset(target, targetLength);
        while (query.next()) {
            if (query.keyIs("info_hash")) {
                if (query.valueLength() != InfoHash.LENGTH) {
                    return fail(out, ErrorReason.BAD_INFO_HASH, "info_hash must be 20 bytes");
                }
                a.infoHash.set(query.value(), 0);
                hasHash = true;
            } else if (query.keyIs("port")) {
                long port = query.valueAsLong(-1);
                if (port < 1 || port > 65535) {
                    return fail(out, ErrorReason.BAD_PORT, "port must be 1 to 65535");
                }
                a.port = (int) port;
                hasPort = true;
            } else if (query.keyIs("left")) {
                a.left = query.valueAsLong(-1);
            } else if (query.keyIs("event")) {
                if (!readEvent(a)) {
                    return fail(out, ErrorReason.BAD_EVENT, "event must be started, completed, stopped or empty");
                }
            } else if (query.keyIs("numwant")) {
                if (!query.valueIsInteger()) {
                    return fail(out, ErrorReason.MALFORMED_REQUEST, "numwant must be a number");
                }
                numwant = query.valueAsLong(0);
            } else if (query.keyIs("compact")) {
                compact = !query.valueIs("0");
            }
        }
        if (query.failed()) {
            return fail(out, ErrorReason.MALFORMED_REQUEST, "malformed query string");
        }
        if (!hasHash) {
            return fail(out, ErrorReason.BAD_INFO_HASH, "missing info_hash");
        }
        if (!hasPort) {
            return fail(out, ErrorReason.BAD_PORT, "missing port");
        }
        a.family = client.family;
        a.address4 = client.v4;
        a.address6High = client.v6High;
        a.address6Low = client.v6Low;
        a.numwant = policy.numwant(numwant, reply.capacity());
        a.bothFamilies = true;

        switch (store.announce(a, reply)) {
            case REFUSED -> {
                // A refusal is an answer, not a malformed request: status 200, as opentracker.
                counters.error(RequestCounters.Protocol.HTTP, ErrorReason.NOT_AUTHORIZED);
                BencodeWriter.failure(out, AccessList.REFUSAL);
                return HttpResult.OK;
            }
            case FULL -> {
                counters.error(RequestCounters.Protocol.HTTP, ErrorReason.TRACKER_FULL);
                BencodeWriter.failure(out, "tracker full: no new torrents are accepted now");
                return HttpResult.OK;
            }
            case ACCEPTED -> changes.record(a);
        }
        if (a.event != Announce.Event.STOPPED) {
            randomPeers.mixInto(reply, client.family, a.numwant, ThreadLocalRandom.current());
        }
        counters.announce(RequestCounters.Protocol.HTTP, client.family, a.event);
        writeReply(out, compact);
        return HttpResult.OK;
    }


    private boolean readEvent(Announce a) {
        if (query.valueIs("started")) {
            a.event = Announce.Event.STARTED;
        } else if (query.valueIs("completed")) {
            a.event = Announce.Event.COMPLETED;
        } else if (query.valueIs("stopped")) {
            a.event = Announce.Event.STOPPED;
        } else if (query.valueIs("empty") || query.valueIs("") || query.valueIs("paused")) {
            a.event = Announce.Event.NONE; // "paused" is BEP 21's partial seed: a regular announce here
        } else {
            return false;
        }
        return true;
    }

    private void writeReply(ByteBuf out, boolean compact) {
        AnnounceReply r = reply;
        BencodeWriter.dictStart(out);
        BencodeWriter.keyInt(out, "complete", r.seeders);
        BencodeWriter.keyInt(out, "downloaded", r.downloaded);
        BencodeWriter.keyInt(out, "incomplete", r.leechers);
        BencodeWriter.keyInt(out, "interval", policy.randomizedInterval());
        BencodeWriter.keyInt(out, "min interval", policy.minIntervalSeconds());
        BencodeWriter.string(out, "peers");
        if (compact) {
            BencodeWriter.stringHeader(out, r.peers4Count * 6);
            for (int i = 0; i < r.peers4Count; i++) {
                long key = PeerRecord.v4Key(r.peers4[i]);
                out.writeInt((int) (key >>> 16)).writeShort((int) key);
            }
            if (r.peers6Count > 0) {
                BencodeWriter.string(out, "peers6");
                BencodeWriter.stringHeader(out, r.peers6Count * 18);
                for (int i = 0; i < r.peers6Count; i++) {
                    out.writeLong(r.peers6[3 * i]).writeLong(r.peers6[3 * i + 1])
                            .writeShort(PeerRecord.port(r.peers6[3 * i + 2]));
                }
            }
        } else {
            writePeerDictionaries(out, r);
        }
        BencodeWriter.end(out);
    }

    /** BEP 3's original form: a list of {@code {ip, port}} dictionaries, both families in one list. */
    private static void writePeerDictionaries(ByteBuf out, AnnounceReply r) {
        ClientAddress address = new ClientAddress();
        BencodeWriter.listStart(out);
        for (int i = 0; i < r.peers4Count; i++) {
            address.setV4(PeerRecord.v4Address(r.peers4[i]));
            writePeerDictionary(out, address.toString(), PeerRecord.port(r.peers4[i]));
        }
        for (int i = 0; i < r.peers6Count; i++) {
            writePeerDictionary(out, ipv6Text(r.peers6[3 * i], r.peers6[3 * i + 1]),
                    PeerRecord.port(r.peers6[3 * i + 2]));
        }
        BencodeWriter.end(out);
    }

    private static void writePeerDictionary(ByteBuf out, String ip, int port) {
        BencodeWriter.dictStart(out);
        BencodeWriter.string(out, "ip");
        BencodeWriter.string(out, ip);
        BencodeWriter.keyInt(out, "port", port);
        BencodeWriter.end(out);
    }

    static String ipv6Text(long high, long low) {
        StringBuilder s = new StringBuilder(39);
        for (int group = 0; group < 8; group++) {
            long word = group < 4 ? high : low;
            int shift = 48 - 16 * (group & 3);
            if (group > 0) {
                s.append(':');
            }
            s.append(Integer.toHexString((int) (word >>> shift) & 0xFFFF));
        }
        return s.toString();
    }

    private int fail(ByteBuf out, ErrorReason reason, String message) {
        counters.error(RequestCounters.Protocol.HTTP, reason);
        BencodeWriter.failure(out, message);
        return HttpResult.BAD_REQUEST;
    }
}
