package dev.kubetracker.worker.protocol.http;

import dev.kubetracker.worker.stats.RequestCounters;
import dev.kubetracker.worker.stats.RequestCounters.ErrorReason;
import dev.kubetracker.worker.stats.TrackerStats;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.jboss.logging.Logger;

/**
 * opentracker's {@code /stats?mode=...&format=...}: {@code mode=tpbs} is a full-scrape dump in the
 * asked format, streamed; every other mode is rendered by {@link TrackerStats} off the event loop.
 * Replies close the connection, as opentracker does: exporters read the body to the end of the stream.
 * One instance per event-loop thread.
 */
final class StatsHandler {
    private static final Logger LOG = Logger.getLogger(StatsHandler.class);

    private final TrackerStats stats;
    private final RequestCounters counters;
    private final Executor renderer;
    private final FullScrapeStarter fullScrapes;
    private final QueryParser query = new QueryParser();
    private final ByteBuf body = Unpooled.buffer(128);

    /**
     * {@code renderer} renders modes that may walk the whole store (top100) off the event loop, which
     * must keep serving announces: one thread with a short queue, past which clients are told to come back.
     */
    StatsHandler(TrackerStats stats, RequestCounters counters, Executor renderer, FullScrapeStarter fullScrapes) {
        this.stats = stats;
        this.counters = counters;
        this.renderer = renderer;
        this.fullScrapes = fullScrapes;
    }

    void handle(HttpRequestHead request, HttpResponder connection) {
        String mode = "peer";
        String format = "ben";
        query.reset(request.target(), request.targetLength());
        while (query.next()) {
            if (query.keyIs("mode")) {
                mode = new String(query.value(), 0, query.valueLength(), StandardCharsets.ISO_8859_1);
            } else if (query.keyIs("format")) {
                format = new String(query.value(), 0, query.valueLength(), StandardCharsets.ISO_8859_1);
            }
        }
        connection.closeAfterReply();
        if (query.failed()) {
            invalidRequest(connection);
            return;
        }
        if (mode.equals("tpbs")) {
            FullScrapeStream.Format dumpFormat = dumpFormat(format);
            if (dumpFormat == null) {
                invalidRequest(connection);
                return;
            }
            fullScrapes.startDump(request, connection, dumpFormat);
            return;
        }
        if (!stats.knows(mode)) {
            invalidRequest(connection);
            return;
        }
        render(mode, connection);
    }

    /** opentracker's names of the tpbs formats; null for any other. */
    private static FullScrapeStream.Format dumpFormat(String format) {
        return switch (format) {
            case "ben" -> FullScrapeStream.Format.BENCODE;
            case "txt" -> FullScrapeStream.Format.TEXT;
            case "txtp" -> FullScrapeStream.Format.TEXT_PLUS;
            case "bin" -> FullScrapeStream.Format.BINARY;
            case "url" -> FullScrapeStream.Format.URL;
            default -> null;
        };
    }

    private void render(String mode, HttpResponder connection) {
        CompletableFuture<String> rendering;
        try {
            rendering = CompletableFuture.supplyAsync(() -> connection.isOpen() ? stats.render(mode) : null, renderer);
        } catch (RejectedExecutionException e) {
            counters.error(RequestCounters.Protocol.HTTP, ErrorReason.BUSY);
            connection.respondFailure(HttpStatus.SERVICE_UNAVAILABLE,
                    "busy: too many stats requests in progress, retry later", "Retry-After: 5", body);
            return;
        }
        connection.beginAsync();
        rendering.whenCompleteAsync((text, failure) -> {
            try {
                if (failure != null) {
                    LOG.error("stats failed", failure);
                    counters.error(RequestCounters.Protocol.HTTP, ErrorReason.INTERNAL);
                    connection.respondFailure(HttpStatus.INTERNAL_SERVER_ERROR, "internal error", null, body);
                } else if (text != null) {
                    connection.respond(HttpStatus.OK, HttpResponder.TEXT_PLAIN,
                            Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8)), null);
                }
            } finally {
                connection.endAsync();
            }
        }, connection.eventLoop());
    }

    private void invalidRequest(HttpResponder connection) {
        counters.error(RequestCounters.Protocol.HTTP, ErrorReason.MALFORMED_REQUEST);
        body.clear();
        body.writeCharSequence("<title>Invalid Request</title>\n", StandardCharsets.US_ASCII);
        connection.respond(HttpStatus.BAD_REQUEST, "text/html", body, null);
    }
}
