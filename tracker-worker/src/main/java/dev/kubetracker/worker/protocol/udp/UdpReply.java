package dev.kubetracker.worker.protocol.udp;

import dev.kubetracker.worker.protocol.CompactPeers;
import dev.kubetracker.worker.swarm.AnnounceReply;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Writes BEP 15 replies at the writer index of a buffer. Big-endian, as BEP 15.
 *
 * <pre>
 * every reply     0 action (4) | 4 transaction id (4)
 * connect         8 connection id (8)
 * announce        8 interval (4) | 12 leechers (4) | 16 seeders (4) | 20 peers (6 or 18 each)
 * scrape          8 (seeders (4) | completed (4) | leechers (4)) * n
 * error           8 message (ASCII, to the end of the datagram)
 * </pre>
 */
public final class UdpReply {
    public static final int ACTION_OFFSET = 0;
    public static final int TRANSACTION_ID_OFFSET = 4;
    public static final int HEADER_LENGTH = 8;

    public static final int CONNECTION_ID_OFFSET = 8;
    public static final int CONNECT_LENGTH = 16;

    public static final int INTERVAL_OFFSET = 8;
    public static final int LEECHERS_OFFSET = 12;
    public static final int SEEDERS_OFFSET = 16;
    public static final int PEERS_OFFSET = 20;

    public static final int SCRAPE_ENTRIES_OFFSET = 8;
    public static final int SCRAPE_ENTRY_LENGTH = 12;
    public static final int SCRAPE_SEEDERS_OFFSET = 0;
    public static final int SCRAPE_COMPLETED_OFFSET = 4;
    public static final int SCRAPE_LEECHERS_OFFSET = 8;

    public static final int ERROR_MESSAGE_OFFSET = 8;

    private UdpReply() {
    }

    public static void connect(ByteBuf out, int transactionId, long connectionId) {
        int start = header(out, UdpRequest.ACTION_CONNECT, transactionId, CONNECT_LENGTH);
        out.setLong(start + CONNECTION_ID_OFFSET, connectionId);
    }

    /** An announce reply with the reply's peers of one family ({@code v6}: 18 bytes each, else 6). */
    public static void announce(ByteBuf out, int transactionId, AnnounceReply reply, boolean v6) {
        int start = header(out, UdpRequest.ACTION_ANNOUNCE, transactionId, PEERS_OFFSET);
        out.setInt(start + INTERVAL_OFFSET, reply.interval);
        out.setInt(start + LEECHERS_OFFSET, reply.leechers);
        out.setInt(start + SEEDERS_OFFSET, reply.seeders);
        if (v6) {
            CompactPeers.writeV6(out, reply);
        } else {
            CompactPeers.writeV4(out, reply);
        }
    }

    /** The scrape reply's header; entries follow with {@link #scrapeEntry}. */
    public static void scrapeHeader(ByteBuf out, int transactionId) {
        header(out, UdpRequest.ACTION_SCRAPE, transactionId, SCRAPE_ENTRIES_OFFSET);
    }

    public static void scrapeEntry(ByteBuf out, int seeders, int completed, int leechers) {
        int start = out.writerIndex();
        out.ensureWritable(SCRAPE_ENTRY_LENGTH);
        out.setInt(start + SCRAPE_SEEDERS_OFFSET, seeders);
        out.setInt(start + SCRAPE_COMPLETED_OFFSET, completed);
        out.setInt(start + SCRAPE_LEECHERS_OFFSET, leechers);
        out.writerIndex(start + SCRAPE_ENTRY_LENGTH);
    }

    /** The length of an error packet carrying {@code message}. */
    public static int errorLength(String message) {
        return ERROR_MESSAGE_OFFSET + message.length();
    }

    public static void error(ByteBuf out, int transactionId, String message) {
        header(out, UdpRequest.ACTION_ERROR, transactionId, ERROR_MESSAGE_OFFSET);
        out.writeCharSequence(message, StandardCharsets.US_ASCII);
    }

    /** Writes action and transaction id, leaves the writer index {@code length} bytes on; returns the start. */
    private static int header(ByteBuf out, int action, int transactionId, int length) {
        int start = out.writerIndex();
        out.ensureWritable(length);
        out.setInt(start + ACTION_OFFSET, action);
        out.setInt(start + TRANSACTION_ID_OFFSET, transactionId);
        out.writerIndex(start + length);
        return start;
    }
}
