package dev.kubetracker.worker.protocol.udp;

import io.netty.buffer.ByteBuf;

/**
 * A BEP 15 request read in place (a flyweight: {@link #wrap} a received datagram, then read its fields
 * at their named offsets; nothing is copied). Big-endian, as BEP 15.
 *
 * <pre>
 * every request   0 connection id (8) | 8 action (4) | 12 transaction id (4)
 * announce       16 info hash (20) | 36 peer id (20) | 56 downloaded (8) | 64 left (8) | 72 uploaded (8)
 *                80 event (4) | 84 IP (4) | 88 key (4) | 92 num want (4) | 96 port (2) | 98 BEP 41 options...
 * scrape         16 info hash (20) * n
 * </pre>
 */
public final class UdpRequest {
    /** The connection id a {@code connect} must carry (BEP 15's protocol magic). */
    public static final long PROTOCOL_ID = 0x41727101980L;
    public static final int ACTION_CONNECT = 0;
    public static final int ACTION_ANNOUNCE = 1;
    public static final int ACTION_SCRAPE = 2;
    public static final int ACTION_ERROR = 3;

    public static final int CONNECTION_ID_OFFSET = 0;
    public static final int ACTION_OFFSET = 8;
    public static final int TRANSACTION_ID_OFFSET = 12;
    public static final int HEADER_LENGTH = 16;

    public static final int INFO_HASH_OFFSET = 16;
    public static final int PEER_ID_OFFSET = 36;
    public static final int DOWNLOADED_OFFSET = 56;
    public static final int LEFT_OFFSET = 64;
    public static final int UPLOADED_OFFSET = 72;
    public static final int EVENT_OFFSET = 80;
    public static final int IP_OFFSET = 84;
    public static final int KEY_OFFSET = 88;
    public static final int NUM_WANT_OFFSET = 92;
    public static final int PORT_OFFSET = 96;
    public static final int ANNOUNCE_LENGTH = 98;

    public static final int SCRAPE_HASHES_OFFSET = 16;
    public static final int INFO_HASH_LENGTH = 20;

    /** BEP 15's event numbers: 0 none, 1 completed, 2 started, 3 stopped. */
    public static final int EVENT_NONE = 0;
    public static final int EVENT_COMPLETED = 1;
    public static final int EVENT_STARTED = 2;
    public static final int EVENT_STOPPED = 3;

    private ByteBuf buffer;
    private int offset;
    private int length;

    /** Points this flyweight at the {@code length} bytes of {@code buffer} from {@code offset}. */
    public UdpRequest wrap(ByteBuf buffer, int offset, int length) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        return this;
    }

    public int length() {
        return length;
    }

    public boolean hasHeader() {
        return length >= HEADER_LENGTH;
    }

    public long connectionId() {
        return buffer.getLong(offset + CONNECTION_ID_OFFSET);
    }

    public int action() {
        return buffer.getInt(offset + ACTION_OFFSET);
    }

    public int transactionId() {
        return buffer.getInt(offset + TRANSACTION_ID_OFFSET);
    }

    /** Whether the announce fields are all there (bytes past them are BEP 41 options, tolerated). */
    public boolean isCompleteAnnounce() {
        return length >= ANNOUNCE_LENGTH;
    }

    public long infoHashHigh() {
        return buffer.getLong(offset + INFO_HASH_OFFSET);
    }

    public long infoHashMiddle() {
        return buffer.getLong(offset + INFO_HASH_OFFSET + 8);
    }

    public int infoHashLow() {
        return buffer.getInt(offset + INFO_HASH_OFFSET + 16);
    }

    public long left() {
        return buffer.getLong(offset + LEFT_OFFSET);
    }

    public int event() {
        return buffer.getInt(offset + EVENT_OFFSET);
    }

    public int numWant() {
        return buffer.getInt(offset + NUM_WANT_OFFSET);
    }

    public int port() {
        return buffer.getUnsignedShort(offset + PORT_OFFSET);
    }

    /** How many whole info hashes a scrape carries (a trailing partial hash is ignored). */
    public int scrapeHashCount() {
        return Math.max(0, (length - SCRAPE_HASHES_OFFSET) / INFO_HASH_LENGTH);
    }

    public long scrapeHashHigh(int index) {
        return buffer.getLong(scrapeHashAt(index));
    }

    public long scrapeHashMiddle(int index) {
        return buffer.getLong(scrapeHashAt(index) + 8);
    }

    public int scrapeHashLow(int index) {
        return buffer.getInt(scrapeHashAt(index) + 16);
    }

    private int scrapeHashAt(int index) {
        return offset + SCRAPE_HASHES_OFFSET + INFO_HASH_LENGTH * index;
    }
}
