package dev.kubetracker.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.worker.config.TrackerConfig;
import dev.kubetracker.worker.stats.RequestCounters.ErrorReason;
import dev.kubetracker.worker.stats.RequestCounters.Protocol;
import dev.kubetracker.worker.testing.RawHttp;
import dev.kubetracker.worker.testing.UdpClient;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.function.LongFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The README's error table, row by row, against the real worker on loopback: the exact answer each
 * bad request gets, and the error counter (behind {@code tracker_errors_total}) that counts it. A
 * dropped datagram is proven by the next reply on the same socket being the one to a later connect.
 */
@QuarkusTest
class ErrorTableSocketTest {
    private static final byte[] HASH = hash(4242);
    private static final String BASE = "&peer_id=-KT0001-abcdefghijkl&left=0";

    @Inject
    TrackerWorker worker;
    @Inject
    TrackerConfig config;

    private static byte[] hash(int seed) {
        byte[] h = new byte[20];
        new Random(seed).nextBytes(h);
        return h;
    }

    private static String failure(String reason) {
        return "d14:failure reason" + reason.length() + ":" + reason + "e";
    }

    static Stream<Arguments> httpRows() {
        String hash = RawHttp.percentEncode(HASH);
        StringBuilder tooManyHashes = new StringBuilder("/scrape?");
        for (int i = 0; i < 65; i++) {
            tooManyHashes.append("info_hash=").append(String.format("kubetracker-hash%04d", i)).append('&');
        }
        return Stream.of(
                Arguments.of("/announce?info_hash=" + RawHttp.percentEncode(Arrays.copyOf(HASH, 19)) + "&port=1" + BASE,
                        400, failure("info_hash must be 20 bytes"), ErrorReason.BAD_INFO_HASH),
                Arguments.of("/announce?port=1" + BASE, 400, failure("missing info_hash"), ErrorReason.BAD_INFO_HASH),
                Arguments.of("/announce?info_hash=" + hash + BASE, 400, failure("missing port"), ErrorReason.BAD_PORT),
                Arguments.of("/announce?info_hash=" + hash + "&port=0" + BASE, 400, failure("port must be 1 to 65535"),
                        ErrorReason.BAD_PORT),
                Arguments.of("/announce?info_hash=" + hash + "&port=65536" + BASE, 400,
                        failure("port must be 1 to 65535"), ErrorReason.BAD_PORT),
                Arguments.of("/announce?info_hash=" + hash + "&port=1&event=resumed" + BASE, 400,
                        failure("event must be started, completed, stopped or empty"), ErrorReason.BAD_EVENT),
                Arguments.of("/announce?info_hash=" + hash + "&port=1&numwant=12x" + BASE, 400,
                        failure("numwant must be a number"), ErrorReason.MALFORMED_REQUEST),
                Arguments.of("/announce?info_hash=" + hash + "&port=1&key=%4" + BASE, 400,
                        failure("malformed query string"), ErrorReason.MALFORMED_REQUEST),
                Arguments.of("/announce?info_hash=%g1" + hash.substring(3) + "&port=1" + BASE, 400,
                        failure("malformed query string"), ErrorReason.MALFORMED_REQUEST),
                Arguments.of("/announce?x=" + "a".repeat(4096), 414, failure("request line too long"),
                        ErrorReason.REQUEST_TOO_LONG),
                Arguments.of(tooManyHashes.toString(), 400, failure("too many info_hash values (at most 64)"),
                        ErrorReason.TOO_MANY_HASHES),
                Arguments.of("/favicon.ico", 404, failure("not found: announce to /announce, scrape at /scrape"),
                        ErrorReason.NOT_FOUND),
                Arguments.of("/stats?mode=secrets", 400, "<title>Invalid Request</title>\n",
                        ErrorReason.MALFORMED_REQUEST),
                Arguments.of("/stats?mode=tpbs&format=json", 400, "<title>Invalid Request</title>\n",
                        ErrorReason.MALFORMED_REQUEST));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("httpRows")
    void aBadHttpRequestGetsTheExactAnswerAndIsCountedByReason(String target, int status, String body,
                                                                ErrorReason reason) throws IOException {
        long before = worker.counters().errors(Protocol.HTTP, reason);
        RawHttp.Response response = RawHttp.get("127.0.0.1", config.http().port(), target);
        assertEquals(status, response.status(), response::text);
        assertEquals(body, response.text());
        assertEquals(before + 1, worker.counters().errors(Protocol.HTTP, reason), "counted as " + reason.tag());
    }

    /** A UDP row: the datagram (made from a valid connection id), the error text (null: dropped), the counter. */
    private static Arguments udpRow(String what, LongFunction<byte[]> datagram, String error, ErrorReason reason) {
        return Arguments.of(what, datagram, error, reason);
    }

    private static byte[] announce(long connectionId, int event, int port, int length) {
        byte[] full = UdpClient.announceRequest(connectionId, 777, HASH, event, 0, -1, port).array();
        return Arrays.copyOf(full, length);
    }

    private static byte[] header(long connectionId, int action, int length) {
        return Arrays.copyOf(ByteBuffer.allocate(16).putLong(connectionId).putInt(action).putInt(777).array(), length);
    }

    static Stream<Arguments> udpRows() {
        return Stream.of(
                udpRow("an announce with a forged connection id", id -> announce(id ^ 1, 2, 6881, 98),
                        "bad connection id", ErrorReason.BAD_CONNECTION_ID),
                udpRow("an announce of 97 bytes", id -> announce(id, 2, 6881, 97),
                        "announce too short", ErrorReason.MALFORMED_REQUEST),
                udpRow("an announce of 26 bytes, as long as its error", id -> announce(id, 2, 6881, 26),
                        "announce too short", ErrorReason.MALFORMED_REQUEST),
                udpRow("an announce with port 0", id -> announce(id, 2, 0, 98),
                        "invalid port", ErrorReason.BAD_PORT),
                udpRow("an announce with event 4", id -> announce(id, 4, 6881, 98),
                        "invalid event", ErrorReason.BAD_EVENT),
                udpRow("a scrape with 19 bytes of hash", id -> header(id, 2, 16 + 19),
                        "scrape without info_hash", ErrorReason.MALFORMED_REQUEST),
                // The error would be larger than the request: dropped, counted.
                udpRow("an announce of 25 bytes", id -> announce(id, 2, 6881, 25),
                        null, ErrorReason.MALFORMED_REQUEST),
                udpRow("a 16-byte announce with a forged connection id", id -> header(id ^ 1, 1, 16),
                        null, ErrorReason.BAD_CONNECTION_ID),
                udpRow("a scrape without a hash", id -> header(id, 2, 16),
                        null, ErrorReason.MALFORMED_REQUEST),
                // Not BEP 15 requests: dropped silently, so the tracker is nobody's reflector.
                udpRow("15 bytes", id -> header(id, 1, 15), null, ErrorReason.TOO_SHORT),
                udpRow("1 byte", id -> new byte[1], null, ErrorReason.TOO_SHORT),
                udpRow("a connect without the protocol magic", id -> header(UdpClient.PROTOCOL_ID + 1, 0, 16),
                        null, ErrorReason.MALFORMED_REQUEST),
                udpRow("an unknown action", id -> header(id, 7, 98), null, ErrorReason.UNKNOWN_ACTION),
                udpRow("an error packet", id -> header(id, 3, 64), null, ErrorReason.UNKNOWN_ACTION));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("udpRows")
    void aBadDatagramGetsTheExactErrorPacketOrIsDroppedAndIsCountedByReason(
            String what, LongFunction<byte[]> datagram, String error, ErrorReason reason) throws IOException {
        try (UdpClient client = new UdpClient("127.0.0.1", config.udp().port())) {
            long connectionId = client.connect();
            long before = worker.counters().errors(Protocol.UDP, reason);
            byte[] request = datagram.apply(connectionId);
            client.send(request);
            // A connect behind it, on the same socket: served in order, so its reply comes after any answer.
            client.send(ByteBuffer.allocate(16).putLong(UdpClient.PROTOCOL_ID).putInt(0).putInt(31337).array());
            ByteBuffer first = client.receive();
            if (error != null) {
                assertEquals(8 + error.length(), first.remaining(), "never larger than needed");
                assertEquals(3, first.getInt(0), "an error packet");
                assertEquals(777, first.getInt(4), "the request's transaction id");
                assertEquals(error, new String(first.array(), 8, first.remaining() - 8, StandardCharsets.US_ASCII));
                assertTrue(first.remaining() <= request.length, "no amplification");
                first = client.receive();
            }
            assertArrayEquals(new int[] {0, 31337}, new int[] {first.getInt(0), first.getInt(4)},
                    error == null ? "dropped: the next reply is the connect's" : "then the connect's reply");
            assertEquals(before + 1, worker.counters().errors(Protocol.UDP, reason), "counted as " + reason.tag());
        }
    }
}
