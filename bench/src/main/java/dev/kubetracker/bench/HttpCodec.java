package dev.kubetracker.bench;

import java.nio.charset.StandardCharsets;

/** HTTP/1.1 announce requests written as ASCII into a reused array, and replies checked in place. */
public final class HttpCodec {
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] GET = "GET /announce?info_hash=".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PEER_ID = "&peer_id=-KB0001-".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PORT = "&port=".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REST = "&uploaded=0&downloaded=0&compact=1&left=".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NUMWANT = "&numwant=".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] VERSION = " HTTP/1.1\r\nHost: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE = "\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTENT_LENGTH = "\r\ncontent-length:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PEERS = "5:peers".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FAILURE = "14:failure reason".getBytes(StandardCharsets.US_ASCII);

    /** Longest request written: the fixed text, 60 bytes of escaped hash, numbers, and the host. */
    public static final int MAX_REQUEST = 512;

    private HttpCodec() {
    }

    /**
     * Writes an announce of {@code peer} (whose port is {@code port}) for the hash at {@code hash[offset..]};
     * returns the length. Every hash byte is percent-escaped, as most clients do.
     */
    public static int announce(byte[] out, byte[] hash, int offset, int peer, int port, boolean seeder, int numwant,
                               byte[] host, boolean keepAlive) {
        int at = put(out, 0, GET);
        for (int i = 0; i < 20; i++) {
            int b = hash[offset + i] & 0xFF;
            out[at++] = '%';
            out[at++] = HEX[b >>> 4];
            out[at++] = HEX[b & 15];
        }
        at = put(out, at, PEER_ID);
        at = putDigits(out, at, peer & 0xFFFFFFFFL, 12); // 8 + 12 = 20 bytes of peer id
        at = put(out, at, PORT);
        at = putNumber(out, at, port);
        at = put(out, at, REST);
        out[at++] = seeder ? (byte) '0' : (byte) '1';
        at = put(out, at, NUMWANT);
        at = putNumber(out, at, numwant);
        at = put(out, at, VERSION);
        at = put(out, at, host);
        return put(out, at, keepAlive ? END : CLOSE);
    }

    /** The reply so far, or as much of it as arrived: its parts once the head is complete. */
    public record Reply(int status, int headLength, int contentLength) {
        /** Whether {@code received} bytes hold the whole reply (always false without a Content-Length). */
        public boolean completeAt(int received) {
            return contentLength >= 0 && received >= headLength + contentLength;
        }
    }

    /** Parses the head of a reply in {@code in[0..length)}; null while the head is incomplete. */
    public static Reply parseHead(byte[] in, int length) {
        int end = indexOf(in, 0, length, END);
        if (end < 0) {
            return null;
        }
        int status = -1;
        if (end >= 12 && in[0] == 'H' && in[1] == 'T' && in[2] == 'T' && in[3] == 'P' && in[8] == ' ') {
            status = (in[9] - '0') * 100 + (in[10] - '0') * 10 + (in[11] - '0');
        }
        int contentLength = -1;
        int cl = indexOfIgnoreCase(in, 0, end + 2, CONTENT_LENGTH);
        if (cl >= 0) {
            int at = cl + CONTENT_LENGTH.length;
            while (at < end && in[at] == ' ') {
                at++;
            }
            long v = 0;
            while (at < end && in[at] >= '0' && in[at] <= '9' && v < Integer.MAX_VALUE) {
                v = v * 10 + (in[at++] - '0');
            }
            contentLength = (int) Math.min(v, Integer.MAX_VALUE);
        }
        return new Reply(status, end + END.length, contentLength);
    }

    /** Whether a complete reply is a successful announce, a tracker's refusal, or something else. */
    public static UdpCodec.Verdict checkAnnounce(byte[] in, int length, Reply head) {
        if (head == null || head.status != 200 || length <= head.headLength || in[head.headLength] != 'd') {
            return UdpCodec.Verdict.INVALID;
        }
        if (indexOf(in, head.headLength, length, FAILURE) >= 0) {
            return UdpCodec.Verdict.ERROR_REPLY;
        }
        return in[length - 1] == 'e' && indexOf(in, head.headLength, length, PEERS) >= 0
                ? UdpCodec.Verdict.OK : UdpCodec.Verdict.INVALID;
    }

    private static int put(byte[] out, int at, byte[] bytes) {
        System.arraycopy(bytes, 0, out, at, bytes.length);
        return at + bytes.length;
    }

    private static int putNumber(byte[] out, int at, int value) {
        int digits = 1;
        for (int v = value; v >= 10; v /= 10) {
            digits++;
        }
        return putDigits(out, at, value, digits);
    }

    private static int putDigits(byte[] out, int at, long value, int digits) {
        for (int i = digits - 1; i >= 0; i--) {
            out[at + i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        return at + digits;
    }

    static int indexOf(byte[] in, int from, int to, byte[] what) {
        outer:
        for (int i = from; i <= to - what.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (in[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static int indexOfIgnoreCase(byte[] in, int from, int to, byte[] lowerCase) {
        outer:
        for (int i = from; i <= to - lowerCase.length; i++) {
            for (int j = 0; j < lowerCase.length; j++) {
                int c = in[i + j];
                if (c >= 'A' && c <= 'Z') {
                    c += 'a' - 'A';
                }
                if (c != lowerCase[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
