package dev.kubetracker.worker.protocol.http;

import dev.kubetracker.worker.logic.AnnounceOutcome;
import dev.kubetracker.worker.logic.TrackerLogic;
import dev.kubetracker.worker.net.ClientAddress;
import dev.kubetracker.worker.protocol.bencode.BencodeWriter;
import dev.kubetracker.worker.stats.RequestCounters;
import dev.kubetracker.worker.stats.RequestCounters.ErrorReason;
import dev.kubetracker.worker.swarm.InfoHash;
import dev.kubetracker.worker.swarm.ScrapeCounts;
import io.netty.buffer.ByteBuf;

/**
 * HTTP scrape of named torrents: {@code d5:filesd<hash>d8:completei..e10:downloadedi..e10:incompletei..eeee},
 * hashes sorted and de-duplicated as bencode wants; every named hash is answered, with zeros when the
 * tracker does not know it or refuses it ({@link TrackerLogic}'s rule). One instance per event-loop thread.
 */
final class ScrapeHandler {
    private final TrackerLogic logic;
    private final RequestCounters counters;
    private final int maxHashes;
    private final QueryParser query = new QueryParser();
    private final ScrapeCounts counts = new ScrapeCounts();
    private final long[] highs;
    private final long[] middles;
    private final int[] lows;
    private final byte[] hashBytes = new byte[InfoHash.LENGTH];
    private final InfoHash hash = new InfoHash();
    /** Where a scrape's prefetch leaves its meaningless sum, so that its reads are not optimised away. */
    private int prefetched;

    ScrapeHandler(TrackerLogic logic, RequestCounters counters, int maxHashes) {
        this.logic = logic;
        this.counters = counters;
        this.maxHashes = maxHashes;
        this.highs = new long[maxHashes];
        this.middles = new long[maxHashes];
        this.lows = new int[maxHashes];
    }

    /**
     * Writes the reply and returns the HTTP status; or, for a query that names no info_hash (a full
     * scrape, which the caller streams), writes nothing and returns null.
     */
    HttpStatus handle(byte[] target, int targetLength, ClientAddress client, ByteBuf out) {
        int n = 0;
        int named = 0;
        boolean anyNamed = false;
        query.reset(target, targetLength);
        while (query.next()) {
            if (!query.keyIs("info_hash")) {
                continue;
            }
            anyNamed = true;
            if (query.valueLength() != InfoHash.LENGTH) {
                return fail(out, ErrorReason.BAD_INFO_HASH, "info_hash must be 20 bytes");
            }
            if (named == maxHashes) {
                return fail(out, ErrorReason.TOO_MANY_HASHES, "too many info_hash values (at most " + maxHashes + ")");
            }
            named++;
            hash.set(query.value(), 0);
            n = insertSorted(n, hash.high, hash.middle, hash.low);
        }
        if (query.failed()) {
            return fail(out, ErrorReason.MALFORMED_REQUEST, "malformed query string");
        }
        if (!anyNamed) {
            return null;
        }
        if (!logic.admitScrape(RequestCounters.Protocol.HTTP, client)) {
            BencodeWriter.failure(out, AnnounceOutcome.RATE_LIMITED.failureReason());
            return HttpStatus.OK;
        }
        int sum = 0;
        for (int i = 0; i < n; i++) {
            sum += logic.prefetchScrape(highs[i], middles[i], lows[i]);
        }
        prefetched = sum;
        BencodeWriter.dictStart(out);
        BencodeWriter.string(out, "files");
        BencodeWriter.dictStart(out);
        for (int i = 0; i < n; i++) {
            logic.scrape(highs[i], middles[i], lows[i], counts);
            InfoHash.writeTo(highs[i], middles[i], lows[i], hashBytes, 0);
            BencodeWriter.bytes(out, hashBytes, 0, InfoHash.LENGTH);
            writeCounts(out, counts.seeders, counts.downloaded, counts.leechers);
        }
        BencodeWriter.end(out);
        BencodeWriter.end(out);
        return HttpStatus.OK;
    }

    static void writeCounts(ByteBuf out, int seeders, int downloaded, int leechers) {
        BencodeWriter.dictStart(out);
        BencodeWriter.keyInt(out, "complete", seeders);
        BencodeWriter.keyInt(out, "downloaded", downloaded);
        BencodeWriter.keyInt(out, "incomplete", leechers);
        BencodeWriter.end(out);
    }

    /** Insertion into the sorted arrays (at most maxHashes entries); duplicates are kept once. */
    private int insertSorted(int n, long high, long middle, int low) {
        int i = n;
        while (i > 0) {
            int c = compare(highs[i - 1], middles[i - 1], lows[i - 1], high, middle, low);
            if (c == 0) {
                return n;
            }
            if (c < 0) {
                break;
            }
            i--;
        }
        System.arraycopy(highs, i, highs, i + 1, n - i);
        System.arraycopy(middles, i, middles, i + 1, n - i);
        System.arraycopy(lows, i, lows, i + 1, n - i);
        highs[i] = high;
        middles[i] = middle;
        lows[i] = low;
        return n + 1;
    }

    private static int compare(long h1, long m1, int l1, long h2, long m2, int l2) {
        int c = Long.compareUnsigned(h1, h2);
        if (c == 0) {
            c = Long.compareUnsigned(m1, m2);
        }
        return c != 0 ? c : Integer.compareUnsigned(l1, l2);
    }

    private HttpStatus fail(ByteBuf out, ErrorReason reason, String message) {
        counters.error(RequestCounters.Protocol.HTTP, reason);
        BencodeWriter.failure(out, message);
        return HttpStatus.BAD_REQUEST;
    }
}
