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
    private final AnnounceHandler announce;
    private final ScrapeHandler scrape;
    private final QueryParser statsQuery = new QueryParser();
    private final ClientAddress client = new ClientAddress();
    private final ClientAddress scratch = new ClientAddress();

    public HttpTracker(SwarmStore store, AnnouncePolicy policy, int scrapeMaxHashes, RequestCounters counters,
                       TrackerStats stats, TrustedProxies trustedProxies, AccessList accessList,
                       RandomPeers randomPeers, ChangeLog changes, Context context) {
        this.accessList = accessList;
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
            if (scrape.hasInfoHash(uri)) {
                ByteBuf out = Unpooled.buffer(256);
                send(request, scrape.handle(uri, client.family, out), out);
            } else {
                boolean gzip = acceptsGzip(request);
                counters.fullScrape(gzip);
                new FullScrapeStream(store, request.response(), context, FullScrapeStream.Format.BENCODE, gzip,
                        counters, accessList).start();
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
        if (!trustedProxies.isEmpty()
                && !trustedProxies.resolve(client, request.getHeader("X-Forwarded-For"), scratch)) {
            counters.error(RequestCounters.Protocol.HTTP, ErrorReason.MALFORMED_REQUEST);
            sendFailure(request, HttpResult.BAD_REQUEST, "malformed X-Forwarded-For");
            return false;
        }
        return true;
    }

    private static boolean acceptsGzip(HttpServerRequest request) {
        String accept = request.getHeader("Accept-Encoding");
        return accept != null && accept.toLowerCase().contains("gzip") && !accept.toLowerCase().contains("gzip;q=0");
    }

    /**
     * opentracker's {@code /stats?mode=...&format=...}. Replies close the connection, as opentracker
     * does: exporters read the body to the end of the stream.
     */
    private void serveStats(HttpServerRequest request, String uri) {
        counters.stats();
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
            boolean gzip = acceptsGzip(request);
            counters.fullScrape(gzip);
            new FullScrapeStream(store, response, context, f, gzip, counters, accessList).start();
            return;
        }
        String body = stats.render(mode);
        if (body == null) {
            invalidStatsRequest(request);
            return;
        }
        response.putHeader("Content-Type", TEXT);
        response.end(body);
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
