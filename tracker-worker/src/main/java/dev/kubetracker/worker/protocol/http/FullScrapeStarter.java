package dev.kubetracker.worker.protocol.http;

import dev.kubetracker.worker.logic.TrackerLogic;
import dev.kubetracker.worker.stats.RequestCounters;
import dev.kubetracker.worker.stats.RequestCounters.ErrorReason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Locale;
import java.util.function.LongConsumer;

/**
 * Starts a {@link FullScrapeStream} (a scrape naming no info_hash, or a {@code /stats?mode=tpbs} dump)
 * when one of the shared {@link FullScrapeSlots} is free, gzipped when the client accepts it; past the
 * bound the client is told to come back. One instance per event-loop thread.
 */
final class FullScrapeStarter {
    private final TrackerLogic logic;
    private final RequestCounters counters;
    private final FullScrapeSlots slots;
    private static final LongConsumer NO_COUNT = bytes -> { };

    private final ByteBuf body = Unpooled.buffer(128);

    FullScrapeStarter(TrackerLogic logic, RequestCounters counters, FullScrapeSlots slots) {
        this.logic = logic;
        this.counters = counters;
        this.slots = slots;
    }

    /** A scrape naming no info_hash: counted as a full scrape (opentracker's {@code fscr}), with its bytes. */
    void startScrape(HttpRequestHead request, HttpResponder connection) {
        start(request, connection, FullScrapeStream.Format.BENCODE, true);
    }

    /** A {@code /stats?mode=tpbs} dump: the same stream, but not a full scrape in opentracker's counts. */
    void startDump(HttpRequestHead request, HttpResponder connection, FullScrapeStream.Format format) {
        start(request, connection, format, false);
    }

    private void start(HttpRequestHead request, HttpResponder connection, FullScrapeStream.Format format,
                       boolean fullScrape) {
        if (!slots.tryAcquire()) {
            counters.error(RequestCounters.Protocol.HTTP, ErrorReason.BUSY);
            connection.respondFailure(HttpStatus.SERVICE_UNAVAILABLE,
                    "busy: too many full scrapes in progress, retry later", "Retry-After: 30", body);
            return;
        }
        boolean gzip = acceptsGzip(request.acceptEncoding());
        LongConsumer onComplete = NO_COUNT;
        if (fullScrape) {
            counters.fullScrape(gzip);
            onComplete = counters::fullScrapeBytes;
        }
        new FullScrapeStream(logic, connection, format, gzip, onComplete, slots::release).start();
    }

    /** Whether Accept-Encoding allows gzip (or {@code *}) with a q-value above zero. */
    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String part : acceptEncoding.split(",")) {
            String[] fields = part.split(";");
            String coding = fields[0].trim().toLowerCase(Locale.ROOT);
            if (!coding.equals("gzip") && !coding.equals("x-gzip") && !coding.equals("*")) {
                continue;
            }
            double q = 1;
            for (int i = 1; i < fields.length; i++) {
                String f = fields[i].trim();
                if (f.startsWith("q=") || f.startsWith("Q=")) {
                    try {
                        q = Double.parseDouble(f.substring(2).trim());
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                }
            }
            if (q > 0) {
                return true;
            }
        }
        return false;
    }
}
