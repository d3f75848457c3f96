package dev.kubetracker.worker.protocol.http;

import dev.kubetracker.worker.logic.AnnounceOutcome;
import dev.kubetracker.worker.logic.TrackerLogic;
import dev.kubetracker.worker.net.ClientAddress;
import dev.kubetracker.worker.protocol.CompactPeers;
import dev.kubetracker.worker.protocol.bencode.BencodeWriter;
import dev.kubetracker.worker.stats.RequestCounters;
import dev.kubetracker.worker.stats.RequestCounters.ErrorReason;
import dev.kubetracker.worker.swarm.Announce;
import dev.kubetracker.worker.swarm.AnnounceReply;
import dev.kubetracker.worker.swarm.InfoHash;
import dev.kubetracker.worker.swarm.PeerRecord;
import io.netty.buffer.ByteBuf;

/**
 * HTTP announce (BEP 3, 7, 23): decodes the query into an {@link Announce}, asks the
 * {@link TrackerLogic} and writes the bencoded reply, with {@code peers} (compact IPv4, or the dictionary list for
 * {@code compact=0}) and, when there are any, {@code peers6} (compact IPv6). One instance per
 * event-loop thread.
 */
final class AnnounceHandler {
    private final TrackerLogic logic;
    private final RequestCounters counters;
    private final QueryParser query = new QueryParser();
    private final Announce announce = new Announce();
    private final AnnounceReply reply;

    AnnounceHandler(TrackerLogic logic, RequestCounters counters) {
        this.logic = logic;
        this.counters = counters;
        this.reply = new AnnounceReply(logic.policy().numwantMax());
    }

    /** Writes the reply body to {@code out} and returns the HTTP status. */
    HttpStatus handle(byte[] target, int targetLength, ClientAddress client, ByteBuf out) {
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
        a.numwant = logic.policy().numwant(numwant, reply.capacity());
        a.bothFamilies = true;

        AnnounceOutcome outcome = logic.announce(a, RequestCounters.Protocol.HTTP, reply);
        if (outcome != AnnounceOutcome.SERVED) {
            // A refusal is an answer, not a malformed request: status 200, as opentracker.
            BencodeWriter.failure(out, outcome.failureReason());
            return HttpStatus.OK;
        }
        writeReply(out, compact);
        return HttpStatus.OK;
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
        BencodeWriter.keyInt(out, "interval", r.interval);
        BencodeWriter.keyInt(out, "min interval", logic.policy().minIntervalSeconds());
        BencodeWriter.string(out, "peers");
        if (compact) {
            BencodeWriter.stringHeader(out, r.peers4Count * CompactPeers.V4_BYTES);
            CompactPeers.writeV4(out, r);
            if (r.peers6Count > 0) {
                BencodeWriter.string(out, "peers6");
                BencodeWriter.stringHeader(out, r.peers6Count * CompactPeers.V6_BYTES);
                CompactPeers.writeV6(out, r);
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

    private HttpStatus fail(ByteBuf out, ErrorReason reason, String message) {
        counters.error(RequestCounters.Protocol.HTTP, reason);
        BencodeWriter.failure(out, message);
        return HttpStatus.BAD_REQUEST;
    }
}
