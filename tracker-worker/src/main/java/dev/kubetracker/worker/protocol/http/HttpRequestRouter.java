package dev.kubetracker.worker.protocol.http;

import dev.kubetracker.worker.logic.AnnounceOutcome;
import dev.kubetracker.worker.logic.TrackerLogic;
import dev.kubetracker.worker.net.ClientAddress;
import dev.kubetracker.worker.net.TrustedProxies;
import dev.kubetracker.worker.stats.RequestCounters;
import dev.kubetracker.worker.stats.RequestCounters.ErrorReason;
import dev.kubetracker.worker.stats.TrackerStats;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import org.jboss.logging.Logger;

/**
 * Routes a parsed request of the client port to its handler: {@code .../announce}, {@code .../scrape}
 * (behind any path prefix, so tracker URLs with a path segment work) and {@code /stats}; resolves the
 * client's address for the first two. One instance per event-loop thread; its parsers and reply buffer
 * are reused request after request.
 */
public final class HttpRequestRouter {
    private static final Logger LOG = Logger.getLogger(HttpRequestRouter.class);

    private final TrackerLogic logic;
    private final RequestCounters counters;
    private final TrustedProxies trustedProxies;
    private final AnnounceHandler announce;
    private final ScrapeHandler scrape;
    private final FullScrapeStarter fullScrapes;
    private final StatsHandler stats;
    private final ClientAddress client = new ClientAddress();
    private final ClientAddress scratch = new ClientAddress();
    /** The reply body, written here and copied behind the reply head (one small copy, no allocation). */
    private final ByteBuf body = Unpooled.buffer(1024);

    public HttpRequestRouter(TrackerLogic logic, int scrapeMaxHashes, RequestCounters counters, TrackerStats stats,
                             TrustedProxies trustedProxies, FullScrapeSlots fullScrapeSlots, Executor statsExecutor) {
        this.counters = counters;
        this.trustedProxies = trustedProxies;
        this.logic = logic;
        this.announce = new AnnounceHandler(logic, counters);
        this.scrape = new ScrapeHandler(logic, counters, scrapeMaxHashes);
        this.fullScrapes = new FullScrapeStarter(logic, counters, fullScrapeSlots);
        this.stats = new StatsHandler(stats, counters, statsExecutor, fullScrapes);
    }

    /** Counts an accepted connection (opentracker's {@code tcp accept}). */
    void onConnection() {
        counters.tcpAccept();
    }

    void serve(HttpRequestHead request, HttpResponder connection) {
        try {
            dispatch(request, connection);
        } catch (RuntimeException e) {
            // A bug must cost one request, never the connection's thread or a stack trace to the client.
            LOG.errorf(e, "internal error serving %s", request.targetText());
            counters.error(RequestCounters.Protocol.HTTP, ErrorReason.INTERNAL);
            connection.failRequest();
        }
    }

    /** Answers a request the connection could not parse, and closes it. */
    void refuse(HttpRequestHead.Result result, HttpResponder connection) {
        onRefused(result);
        connection.closeAfterReply();
        switch (result) {
            case LINE_TOO_LONG -> sendFailure(connection, HttpStatus.URI_TOO_LONG, "request line too long");
            case HEAD_TOO_LARGE ->
                    sendFailure(connection, HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "request headers too large");
            case UNSUPPORTED_VERSION ->
                    sendFailure(connection, HttpStatus.HTTP_VERSION_NOT_SUPPORTED, "only HTTP/1.0 and HTTP/1.1 are supported");
            default -> sendFailure(connection, HttpStatus.BAD_REQUEST, "malformed HTTP request");
        }
    }

    /** Counts a request refused before it reached the tracker (too long, malformed). */
    void onRefused(HttpRequestHead.Result result) {
        boolean tooLong = result == HttpRequestHead.Result.LINE_TOO_LONG
                || result == HttpRequestHead.Result.HEAD_TOO_LARGE;
        counters.error(RequestCounters.Protocol.HTTP, tooLong ? ErrorReason.REQUEST_TOO_LONG : ErrorReason.MALFORMED_REQUEST);
    }

    private void dispatch(HttpRequestHead request, HttpResponder connection) {
        if (!request.isGet()) {
            counters.error(RequestCounters.Protocol.HTTP, ErrorReason.MALFORMED_REQUEST);
            connection.closeAfterReply(); // a HEAD client would take this body for the next reply's head
            sendFailure(connection, HttpStatus.METHOD_NOT_ALLOWED, "only GET is supported", "Allow: GET");
            return;
        }
        if (request.pathEndsWith("/announce")) {
            if (resolveClient(request, connection)) {
                body.clear();
                send(connection, announce.handle(request.target(), request.targetLength(), client, body));
            }
        } else if (request.pathEndsWith("/scrape")) {
            if (!resolveClient(request, connection)) {
                return;
            }
            body.clear();
            HttpStatus status = scrape.handle(request.target(), request.targetLength(), client, body);
            if (status != null) {
                send(connection, status);
            } else if (logic.admitRequest(RequestCounters.Protocol.HTTP, client)) { // names no info_hash
                fullScrapes.startScrape(request, connection);
            } else {
                sendFailure(connection, HttpStatus.OK, AnnounceOutcome.RATE_LIMITED.failureReason());
            }
        } else if (request.pathIs("/stats")) {
            stats.handle(request, connection);
        } else {
            counters.error(RequestCounters.Protocol.HTTP, ErrorReason.NOT_FOUND);
            sendFailure(connection, HttpStatus.NOT_FOUND, "not found: announce to /announce, scrape at /scrape");
        }
    }

    /** Sets {@link #client} from the connection, or from X-Forwarded-For when a trusted proxy sent it. */
    private boolean resolveClient(HttpRequestHead request, HttpResponder connection) {
        InetSocketAddress remote = connection.remoteAddress();
        if (remote == null || remote.getAddress() == null || !client.set(remote.getAddress())) {
            counters.error(RequestCounters.Protocol.HTTP, ErrorReason.MALFORMED_REQUEST);
            sendFailure(connection, HttpStatus.BAD_REQUEST, "cannot tell the client's address");
            return false;
        }
        // Every X-Forwarded-For line, in order, as one list: a proxy may append its own line after one the
        // client sent, and only the right-most entries are the proxies' word.
        if (!trustedProxies.isEmpty() && !trustedProxies.resolve(client, request.forwardedFor(), scratch)) {
            counters.error(RequestCounters.Protocol.HTTP, ErrorReason.MALFORMED_REQUEST);
            sendFailure(connection, HttpStatus.BAD_REQUEST, "malformed X-Forwarded-For");
            return false;
        }
        return true;
    }

    private void send(HttpResponder connection, HttpStatus status) {
        connection.respond(status, HttpResponder.TEXT_PLAIN, body, null);
    }

    private void sendFailure(HttpResponder connection, HttpStatus status, String message) {
        sendFailure(connection, status, message, null);
    }

    private void sendFailure(HttpResponder connection, HttpStatus status, String message, String extraHeader) {
        connection.respondFailure(status, message, extraHeader, body);
    }

}
