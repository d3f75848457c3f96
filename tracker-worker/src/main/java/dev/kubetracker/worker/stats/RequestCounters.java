package dev.kubetracker.worker.stats;

import dev.kubetracker.worker.swarm.Announce;
import java.util.concurrent.atomic.LongAdder;

/**
 * Request and error counts of the worker, kept in striped adders so frontend threads never contend.
 * Both the Prometheus metrics and the opentracker-style {@code /stats} read them.
 */
public final class RequestCounters {
    public enum Protocol {
        HTTP, UDP;

        public String tag() {
            return name().toLowerCase();
        }
    }

    /** Why a request was answered with an error (or dropped). */
    public enum ErrorReason {
        MALFORMED_REQUEST, BAD_INFO_HASH, BAD_PORT, BAD_EVENT, BAD_CONNECTION_ID, UNKNOWN_ACTION,
        TOO_SHORT, TOO_MANY_HASHES, NOT_FOUND, REQUEST_TOO_LONG, NOT_AUTHORIZED, TRACKER_FULL, BUSY, OVERLOADED,
        INTERNAL, RATE_LIMITED, TORRENT_RATE_LIMITED;

        public String tag() {
            return name().toLowerCase();
        }
    }

    private static final int PROTOCOLS = Protocol.values().length;
    private static final int EVENTS = Announce.Event.values().length;

    private final LongAdder[] announces = adders(PROTOCOLS * 2 * EVENTS);
    private final LongAdder[] scrapes = adders(PROTOCOLS * 2);
    private final LongAdder[] connects = adders(2);
    private final LongAdder[] fullScrapes = adders(2);
    private final LongAdder[] errors = adders(PROTOCOLS * ErrorReason.values().length);
    private final LongAdder tcpAccepts = new LongAdder();
    private final LongAdder udpPackets = new LongAdder();
    private final LongAdder fullScrapeBytes = new LongAdder();

    private static LongAdder[] adders(int n) {
        LongAdder[] a = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }

    private static int family(int family) {
        return family == 6 ? 1 : 0;
    }

    public void announce(Protocol p, int family, Announce.Event event) {
        announces[(p.ordinal() * 2 + family(family)) * EVENTS + event.ordinal()].increment();
    }

    public long announces(Protocol p, int family, Announce.Event event) {
        return announces[(p.ordinal() * 2 + family(family)) * EVENTS + event.ordinal()].sum();
    }

    public long announces(Protocol p) {
        long n = 0;
        for (int f : new int[] {4, 6}) {
            for (Announce.Event e : Announce.Event.values()) {
                n += announces(p, f, e);
            }
        }
        return n;
    }

    public void scrape(Protocol p, int family) {
        scrapes[p.ordinal() * 2 + family(family)].increment();
    }

    public long scrapes(Protocol p, int family) {
        return scrapes[p.ordinal() * 2 + family(family)].sum();
    }

    public long scrapes(Protocol p) {
        return scrapes(p, 4) + scrapes(p, 6);
    }

    public void connect(int family) {
        connects[family(family)].increment();
    }

    public long connects(int family) {
        return connects[family(family)].sum();
    }

    public void fullScrape(boolean gzip) {
        fullScrapes[gzip ? 1 : 0].increment();
    }

    public long fullScrapes(boolean gzip) {
        return fullScrapes[gzip ? 1 : 0].sum();
    }

    public void error(Protocol p, ErrorReason reason) {
        errors[p.ordinal() * ErrorReason.values().length + reason.ordinal()].increment();
    }

    public long errors(Protocol p, ErrorReason reason) {
        return errors[p.ordinal() * ErrorReason.values().length + reason.ordinal()].sum();
    }

    /** An accepted HTTP (TCP) connection. */
    public void tcpAccept() {
        tcpAccepts.increment();
    }

    public long tcpAccepts() {
        return tcpAccepts.sum();
    }

    /** A received UDP datagram, valid or not. */
    public void udpPacket() {
        udpPackets.increment();
    }

    public long udpPackets() {
        return udpPackets.sum();
    }

    public void fullScrapeBytes(long bytes) {
        fullScrapeBytes.add(bytes);
    }

    public long fullScrapeBytes() {
        return fullScrapeBytes.sum();
    }

    public long errors(Protocol p) {
        long n = 0;
        for (ErrorReason reason : ErrorReason.values()) {
            n += errors(p, reason);
        }
        return n;
    }
}
