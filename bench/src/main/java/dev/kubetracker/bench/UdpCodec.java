package dev.kubetracker.bench;

import java.nio.ByteBuffer;

/** BEP 15 requests written into, and replies checked in, reused buffers (no allocation per request). */
public final class UdpCodec {
    public static final long PROTOCOL_ID = 0x41727101980L;
    public static final int CONNECT = 0;
    public static final int ANNOUNCE = 1;
    public static final int SCRAPE = 2;
    public static final int ERROR = 3;

    public static final int ANNOUNCE_LENGTH = 98;
    static final int ANNOUNCE_HEADER = 20;
    static final int PEER_V4 = 6;

    /** What a reply turned out to be. */
    public enum Verdict { OK, ERROR_REPLY, INVALID }

    private UdpCodec() {
    }

    public static void connect(ByteBuffer out, int transactionId) {
        out.clear();
        out.putLong(PROTOCOL_ID).putInt(CONNECT).putInt(transactionId);
        out.flip();
    }

    /** An announce of peer {@code port} for the torrent whose hash is {@code hash[hashOffset..+20]}. */
    public static void announce(ByteBuffer out, long connectionId, int transactionId, byte[] hash, int hashOffset,
                                int peer, boolean seeder, int numwant, int port) {
        out.clear();
        out.putLong(connectionId).putInt(ANNOUNCE).putInt(transactionId);
        out.put(hash, hashOffset, 20);
        // peer id: "-KB0001-" and the peer's index, so a peer keeps its id from announce to announce
        out.putLong(0x2D4B42303030312DL).putInt(0).putLong(peer);
        out.putLong(0);                         // downloaded
        out.putLong(seeder ? 0 : 1 << 20);      // left
        out.putLong(0);                         // uploaded
        out.putInt(0);                          // event: none (a new peer is added all the same)
        out.putInt(0);                          // ip: the sender's
        out.putInt(peer);                       // key
        out.putInt(numwant);
        out.putShort((short) port);
        out.flip();
    }

    /** A scrape of {@code count} hashes laid out back to back in {@code hashes}. */
    public static void scrape(ByteBuffer out, long connectionId, int transactionId, byte[] hashes, int count) {
        out.clear();
        out.putLong(connectionId).putInt(SCRAPE).putInt(transactionId);
        out.put(hashes, 0, 20 * count);
        out.flip();
    }

    /** The transaction id of a reply, or 0 when it is too short to hold one (ids we send are never 0). */
    public static int transactionId(ByteBuffer in) {
        return in.limit() >= 8 ? in.getInt(4) : 0;
    }

    public static Verdict checkConnect(ByteBuffer in) {
        return check(in, CONNECT, 16) ? Verdict.OK : errorOrInvalid(in);
    }

    /** An announce reply: header, then 6-byte IPv4 peers, no more than asked for. */
    public static Verdict checkAnnounce(ByteBuffer in, int numwant) {
        if (!check(in, ANNOUNCE, ANNOUNCE_HEADER)) {
            return errorOrInvalid(in);
        }
        int peerBytes = in.limit() - ANNOUNCE_HEADER;
        if (peerBytes % PEER_V4 != 0 || peerBytes / PEER_V4 > numwant) {
            return Verdict.INVALID;
        }
        return in.getInt(12) >= 0 && in.getInt(16) >= 0 ? Verdict.OK : Verdict.INVALID;
    }

    /** The number of peers in a checked announce reply. */
    public static int peerCount(ByteBuffer in) {
        return (in.limit() - ANNOUNCE_HEADER) / PEER_V4;
    }

    public static Verdict checkScrape(ByteBuffer in, int hashes) {
        if (!check(in, SCRAPE, 8)) {
            return errorOrInvalid(in);
        }
        return in.limit() == 8 + 12 * hashes ? Verdict.OK : Verdict.INVALID;
    }

    public static long connectionId(ByteBuffer in) {
        return in.getLong(8);
    }

    private static boolean check(ByteBuffer in, int action, int minLength) {
        return in.limit() >= minLength && in.getInt(0) == action;
    }

    private static Verdict errorOrInvalid(ByteBuffer in) {
        return in.limit() >= 8 && in.getInt(0) == ERROR ? Verdict.ERROR_REPLY : Verdict.INVALID;
    }
}
