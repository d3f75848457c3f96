package dev.kubetracker.worker.protocol.http;

import dev.kubetracker.worker.access.AccessList;
import dev.kubetracker.worker.cluster.ChangeLog;
import dev.kubetracker.worker.deniability.RandomPeers;
import dev.kubetracker.worker.net.ClientAddress;
import dev.kubetracker.worker.net.IpLiteral;
import dev.kubetracker.worker.net.TrustedProxies;
import dev.kubetracker.worker.protocol.bencode.BencodeWriter;
import dev.kubetracker.worker.stats.RequestCounters;
import dev.kubetracker.worker.stats.RequestCounters.ErrorReason;
import dev.kubetracker.worker.stats.TrackerStats;
import dev.kubetracker.worker.swarm.AnnouncePolicy;
import dev.kubetracker.worker.swarm.SwarmStore;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import org.jboss.logging.Logger;

/**
 * The client port's request handler: {@code .../announce}, {@code .../scrape} (behind any path
 * prefix, so tracker URLs with a path segment work) and {@code /stats}. One instance per event-loop
 * thread; its parsers and reply objects are reused request after request.
 */
public final class HttpTracker implements Handler<HttpServerRequest> {
    private static final Logger LOG = Logger.getLogger(HttpTracker.class);
    private static final String TEXT = "text/plain";

    private final SwarmStore store;
    private final RequestCounters counters;
    private final TrackerStats stats;
    private final TrustedProxies trustedProxies;
    private final Context context;
    private final AccessList accessList;
    private final FullScrapeSlots fullScrapeSlots;
    private final AnnounceHandler announce;
    private final ScrapeHandler scrape;
    private final QueryParser statsQuery = new QueryParser();
    private final ClientAddress client = new ClientAddress();
    private final ClientAddress scratch = new ClientAddress();

    public HttpTracker(SwarmStore store, AnnouncePolicy policy, int scrapeMaxHashes, RequestCounters counters,
                       TrackerStats stats, TrustedProxies trustedProxies, AccessList accessList,
                       RandomPeers randomPeers, ChangeLog changes, FullScrapeSlots fullScrapeSlots, Context context) {
        this.accessList = accessList;
        this.fullScrapeSlots = fullScrapeSlots;
        this.store = store;
        this.counters = counters;
        this.stats = stats;
        this.trustedProxies = trustedProxies;
        this.context = context;
        this.announce = new AnnounceHandler(store, policy, counters, accessList, randomPeers, changes);
        this.scrape = new ScrapeHandler(store, counters, scrapeMaxHashes, accessList);
    }


    /** Counts an accepted connection (opentracker's {@code tcp accept}). */
    void onConnection() {
        counters.tcpAccept();
    }

    @Override
    public void handle(HttpServerRequest request) {
        try {
            dispatch(request);
        } catch (RuntimeException e) {
            // A bug must cost one request, never the connection's thread or a stack trace to the client.
            LOG.errorf(e, "internal error serving %s", request.uri());
            counters.error(RequestCounters.Protocol.HTTP, ErrorReason.INTERNAL);
            if (!request.response().headWritten()) {
                sendFailure(request, 500, "internal error");
            } else {
                request.connection().close();
            }
        }
    }

    private void dispatch(HttpServerRequest request) {
        if (request.method() != HttpMethod.GET) {
            counters.error(RequestCounters.Protocol.HTTP, ErrorReason.MALFORMED_REQUEST);
            request.response().putHeader("Allow", "GET");
            sendFailure(request, 405, "only GET is supported");
            return;
        }
        String uri = request.uri();
        int pathEnd = uri.indexOf('?');
        if (pathEnd < 0) {
            pathEnd = uri.length();
        }
        if (endsWith(uri, pathEnd, "/announce")) {
            if (resolveClient(request)) {
                ByteBuf out = Unpooled.buffer(256);
                send(request, announce.handle(uri, client, out), out);
            }
        } else if (endsWith(uri, pathEnd, "/scrape")) {
            if (!resolveClient(request)) {
                return;
            }
            ByteBuf out = Unpooled.buffer(256);
            int status = scrape.handle(uri, client.family, out);
            if (status == ScrapeHandler.NO_INFO_HASH) {
                streamFullScrape(request, FullScrapeStream.Format.BENCODE, false);
            } else {
                send(request, status, out);
            }
        } else if (pathEnd == 6 && uri.startsWith("/stats")) {
            serveStats(request, uri);
        } else {
            counters.error(RequestCounters.Protocol.HTTP, ErrorReason.NOT_FOUND);
            sendFailure(request, HttpResult.NOT_FOUND, "not found: announce to /announce, scrape at /scrape");
        }
    }

    private static boolean endsWith(String uri, int pathEnd, String suffix) {
        return pathEnd >= suffix.length() && uri.startsWith(suffix, pathEnd - suffix.length());
    }

    /** Sets {@link #client} from the connection, or from X-Forwarded-For when a trusted proxy sent it. */
    private boolean resolveClient(HttpServerRequest request) {
        if (request.remoteAddress() == null || !IpLiteral.parse(request.remoteAddress().hostAddress(), client)) {
            counters.error(RequestCounters.Protocol.HTTP, ErrorReason.MALFORMED_REQUEST);
            sendFailure(request, HttpResult.BAD_REQUEST, "cannot tell the client's address");
            return false;
        }
        if (!trustedProxies.isEmpty() && !trustedProxies.resolve(client, forwardedFor(request), scratch)) {
            counters.error(RequestCounters.Protocol.HTTP, ErrorReason.MALFORMED_REQUEST);
            sendFailure(request, HttpResult.BAD_REQUEST, "malformed X-Forwarded-For");
            return false;
        }
        return true;
    }

    /**
     * Every X-Forwarded-For line, in order, as one list: a proxy may append its own line after one the
     * client sent, and only the right-most entries are the proxies' word.
     */
    private static String forwardedFor(HttpServerRequest request) {
        java.util.List<String> lines = request.headers().getAll("X-Forwarded-For");
        if (lines.isEmpty()) {
            return null;
        }
        return lines.size() == 1 ? lines.get(0) : String.join(",", lines);
    }

    /** Whether Accept-Encoding allows gzip (or {@code *}) with a q-value above zero. */
    static boolean acceptsGzip(HttpServerRequest request) {
        return acceptsGzip(request.getHeader("Accept-Encoding"));
    }

    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String part : acceptEncoding.split(",")) {
            String[] fields = part.split(";");
            String coding = fields[0].trim().toLowerCase(java.util.Locale.ROOT);
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

    /**
     * opentracker's {@code /stats?mode=...&format=...}. Replies close the connection, as opentracker
     * does: exporters read the body to the end of the stream.
     */
    private void serveStats(HttpServerRequest request, String uri) {
        String mode = "peer";
        String format = "ben";
        statsQuery.reset(uri);
        while (statsQuery.next()) {
            if (statsQuery.keyIs("mode")) {
                mode = new String(statsQuery.value(), 0, statsQuery.valueLength(), StandardCharsets.ISO_8859_1);
            } else if (statsQuery.keyIs("format")) {
                format = new String(statsQuery.value(), 0, statsQuery.valueLength(), StandardCharsets.ISO_8859_1);
            }
        }
        HttpServerResponse response = request.response();
        response.putHeader("Connection", "close");
        if (statsQuery.failed()) {
            invalidStatsRequest(request);
            return;
        }
        if (mode.equals("tpbs")) {
            FullScrapeStream.Format f = switch (format) {
                case "ben" -> FullScrapeStream.Format.BENCODE;
                case "txt" -> FullScrapeStream.Format.TEXT;
                case "txtp" -> FullScrapeStream.Format.TEXT_PLUS;
                case "bin" -> FullScrapeStream.Format.BINARY;
                case "url" -> FullScrapeStream.Format.URL;
                default -> null;
            };
            if (f == null) {
                invalidStatsRequest(request);
                return;
            }
            streamFullScrape(request, f, true);
            return;
        }
        if (!stats.knows(mode)) {
            invalidStatsRequest(request);
            return;
        }
        // Some modes walk the whole store (top100): off the event loop, which must keep serving announces.
        String chosen = mode;
        context.executeBlocking(() -> stats.render(chosen), false).onComplete(result -> {
            if (result.succeeded()) {
                response.putHeader("Content-Type", TEXT);
                response.end(result.result()).onComplete(v -> request.connection().close());
            } else {
                LOG.error("stats failed", result.cause());
                counters.error(RequestCounters.Protocol.HTTP, ErrorReason.INTERNAL);
                sendFailure(request, HttpResult.INTERNAL_ERROR, "internal error");
            }
        });
    }

    private void streamFullScrape(HttpServerRequest request, FullScrapeStream.Format format, boolean closeAfter) {
        if (!fullScrapeSlots.tryAcquire()) {
            counters.error(RequestCounters.Protocol.HTTP, ErrorReason.BUSY);
            request.response().putHeader("Retry-After", "30");
            sendFailure(request, 503, "busy: too many full scrapes in progress, retry later");
            return;
        }
        boolean gzip = acceptsGzip(request);
        counters.fullScrape(gzip);
        new FullScrapeStream(store, request.response(), context, format, gzip, counters, accessList)
                .onFinish(() -> {
                    fullScrapeSlots.release();
                    if (closeAfter) {
                        request.connection().close();
                    }
                })
                .start();
    }

    /** Counts requests Vert.x refused before they reached the tracker (too long, malformed). */
    void onInvalidRequest(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        boolean tooLong = cause instanceof io.netty.handler.codec.TooLongFrameException;
        counters.error(RequestCounters.Protocol.HTTP, tooLong ? ErrorReason.REQUEST_TOO_LONG : ErrorReason.MALFORMED_REQUEST);
    }

    private void invalidStatsRequest(HttpServerRequest request) {
        counters.error(RequestCounters.Protocol.HTTP, ErrorReason.MALFORMED_REQUEST);
        request.response().setStatusCode(HttpResult.BAD_REQUEST).setStatusMessage("Invalid Request")
                .putHeader("Content-Type", "text/html").end("<title>Invalid Request</title>\n");
    }

    private static void send(HttpServerRequest request, int status, ByteBuf body) {
        request.response().setStatusCode(status).putHeader("Content-Type", TEXT).end(Buffer.buffer(body));
    }

    private static void sendFailure(HttpServerRequest request, int status, String message) {
        ByteBuf out = Unpooled.buffer(64 + message.length());
        BencodeWriter.failure(out, message);
        send(request, status, out);
    }
}
