package dev.kubetracker.worker.protocol.http;

import dev.kubetracker.worker.logic.TrackerLogic;
import dev.kubetracker.worker.protocol.bencode.BencodeWriter;
import dev.kubetracker.worker.swarm.InfoHash;
import dev.kubetracker.worker.swarm.TorrentRows;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.LongConsumer;
import java.util.zip.GZIPOutputStream;
import org.jboss.logging.Logger;

/**
 * Streams every torrent's counts to one client, shard by shard in hash order, as a chunked response:
 * the bencoded full scrape, or one of opentracker's {@code /stats?mode=tpbs} dump formats. Optionally
 * gzip-compressed. It never holds a shard lock while writing, respects the connection's back-pressure
 * and yields the event loop between batches, so a huge dump does not stall other clients.
 */
final class FullScrapeStream {
    private static final Logger LOG = Logger.getLogger(FullScrapeStream.class);
    enum Format {
        /** {@code d5:filesd<hash>d8:complete..ee...ee}, the BEP 48 full scrape. */
        BENCODE,
        /** {@code HEX:seeders:leechers\n}. */
        TEXT,
        /** {@code HEX:seeders:leechers:downloaded\n}. */
        TEXT_PLUS,
        /** 20 hash bytes, seeders and leechers as big-endian 32-bit integers. */
        BINARY,
        /** {@code %xx-encoded hash:seeders:leechers\n}. */
        URL
    }

    private static final int CHUNK_BYTES = 64 * 1024;
    private static final int SHARDS_PER_TURN = 32;
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    private final TrackerLogic logic;
    private final HttpResponder connection;
    private final Format format;
    private final LongConsumer onComplete;
    private final TorrentRows rows = new TorrentRows();
    private final byte[] hash = new byte[InfoHash.LENGTH];
    private final GZIPOutputStream gzip;
    private final ChunkSink compressed = new ChunkSink();
    private ByteBuf plain = Unpooled.buffer(CHUNK_BYTES + 4096);
    private int nextShard;
    private long bytesSent;
    private boolean closed;
    private boolean finished;
    private final Runnable onFinish;
    private final Runnable nextTurn = this::pump;
    private boolean pumping;

    /**
     * {@code onComplete} takes the bytes sent when the whole dump went out; {@code onFinish} runs once
     * when the stream ends, completed or cut short (it gives back the slot).
     */
    FullScrapeStream(TrackerLogic logic, HttpResponder connection, Format format, boolean gzipped,
                     LongConsumer onComplete, Runnable onFinish) {
        this.logic = logic;
        this.connection = connection;
        this.format = format;
        this.onComplete = onComplete;
        this.onFinish = onFinish;
        try {
            this.gzip = gzipped ? new GZIPOutputStream(compressed, 8192) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void start() {
        connection.beginStream(this, "application/octet-stream", gzip != null);
        if (format == Format.BENCODE) {
            plain.writeBytes("d5:filesd".getBytes(StandardCharsets.US_ASCII));
        }
        pump();
    }

    /** The connection closed: stop, and give back what the stream holds. */
    void abort() {
        closed = true;
        finish();
    }

    /** Frees the compressor's native memory at once (not at some later GC) and runs the finish action. */
    private void finish() {
        if (finished) {
            return;
        }
        finished = true;
        if (gzip != null) {
            try {
                gzip.close();
            } catch (IOException e) {
                // the sink is memory: nothing to report
            }
        }
        onFinish.run();
    }

    /** Writes the next shards while the connection takes them; called again when it drains. */
    void pump() {
        if (closed || finished || pumping) {
            return; // pumping: a write inside this pump changed the connection's writability; the loop goes on
        }
        pumping = true;
        try {
            pumpShards();
        } catch (RuntimeException e) {
            // A bug must cost this stream, never the slot or the connection's event loop.
            LOG.error("full scrape failed", e);
            closed = true;
            finish();
            connection.failRequest();
        } finally {
            pumping = false;
        }
    }

    private void pumpShards() {
        int turnEnd = Math.min(logic.shardCount(), nextShard + SHARDS_PER_TURN);
        while (nextShard < turnEnd && connection.streamWritable()) {
            logic.fullScrapeShard(nextShard++, rows);
            for (int row = 0; row < rows.size(); row++) {
                writeRow(row);
            }
            if (plain.readableBytes() >= CHUNK_BYTES) {
                emit(false);
            }
        }
        if (nextShard == logic.shardCount()) {
            if (format == Format.BENCODE) {
                plain.writeByte('e').writeByte('e');
            }
            emit(true);
            onComplete.accept(bytesSent);
            finish();
            connection.endStream();
        } else if (connection.streamWritable()) {
            connection.eventLoop().execute(nextTurn); // yield: other connections of this loop get their turn
        } // else the connection calls pump() when it can take more
    }

    private void writeRow(int row) {
        InfoHash.writeTo(rows.high(row), rows.middle(row), rows.low(row), hash, 0);
        switch (format) {
            case BENCODE -> {
                BencodeWriter.bytes(plain, hash, 0, InfoHash.LENGTH);
                ScrapeHandler.writeCounts(plain, rows.seeders(row), rows.downloaded(row), rows.leechers(row));
            }
            case BINARY -> plain.writeBytes(hash).writeInt(rows.seeders(row)).writeInt(rows.leechers(row));
            case TEXT, TEXT_PLUS, URL -> {
                if (format == Format.URL) {
                    writeUrlEncoded(hash);
                } else {
                    for (byte b : hash) {
                        plain.writeByte(HEX[(b >> 4) & 0xF]).writeByte(HEX[b & 0xF]);
                    }
                }
                plain.writeByte(':');
                BencodeWriter.decimal(plain, rows.seeders(row));
                plain.writeByte(':');
                BencodeWriter.decimal(plain, rows.leechers(row));
                if (format == Format.TEXT_PLUS) {
                    plain.writeByte(':');
                    BencodeWriter.decimal(plain, rows.downloaded(row));
                }
                plain.writeByte('\n');
            }
        }
    }

    private void writeUrlEncoded(byte[] bytes) {
        for (byte b : bytes) {
            int c = b & 0xFF;
            boolean literal = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '-' || c == '_' || c == '~';
            if (literal) {
                plain.writeByte(c);
            } else {
                plain.writeByte('%').writeByte(Character.forDigit(c >> 4, 16)).writeByte(Character.forDigit(c & 0xF, 16));
            }
        }
    }

    /** Sends what is buffered; with {@code last}, also the gzip trailer. */
    private void emit(boolean last) {
        ByteBuf out;
        if (gzip != null) {
            try {
                plain.readBytes(gzip, plain.readableBytes());
                if (last) {
                    gzip.finish();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e); // the sink is memory: cannot happen
            }
            plain.clear();
            out = compressed.take();
        } else {
            out = plain;
            plain = last ? null : Unpooled.buffer(CHUNK_BYTES + 4096);
        }
        if (out.isReadable()) {
            bytesSent += out.readableBytes();
            connection.writeChunk(out);
        } else {
            out.release();
        }
    }

    /** Collects gzip output in memory until the stream hands it to the response. */
    private static final class ChunkSink extends OutputStream {
        private ByteBuf buffer = Unpooled.buffer(CHUNK_BYTES);

        @Override
        public void write(int b) {
            buffer.writeByte(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            buffer.writeBytes(b, off, len);
        }

        ByteBuf take() {
            ByteBuf taken = buffer;
            buffer = Unpooled.buffer(CHUNK_BYTES);
            return taken;
        }
    }
}
