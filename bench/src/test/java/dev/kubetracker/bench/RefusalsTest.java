package dev.kubetracker.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RefusalsTest {
    private static ByteBuffer error(String message) {
        byte[] text = message.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(8 + text.length);
        b.putInt(UdpCodec.ERROR).putInt(0x10001).put(text).flip();
        return b;
    }

    @Test
    void errorRepliesAreToldApartByTheirMessage() {
        assertEquals(Refusals.Kind.TRACKER_FULL,
                Refusals.kindOf(error("tracker full: no new torrents are accepted now")));
        assertEquals(Refusals.Kind.RATE_LIMITED, Refusals.kindOf(error("rate limited: too many requests")));
        assertEquals(Refusals.Kind.RATE_LIMITED, Refusals.kindOf(error("rate limited: too many new torrents")));
        assertEquals(Refusals.Kind.OTHER, Refusals.kindOf(error("bad connection id")));
        assertEquals(Refusals.Kind.OTHER, Refusals.kindOf(error("tracker")));
        assertEquals(Refusals.Kind.OTHER, Refusals.kindOf(error("")));
    }

    @Test
    void theFirstRefusalOfAKindKeepsItsTime() {
        Refusals r = new Refusals();
        r.record(Refusals.Kind.TRACKER_FULL, 100);
        r.record(Refusals.Kind.TRACKER_FULL, 200);
        r.record(Refusals.Kind.RATE_LIMITED, 300);
        assertEquals(2, r.count(Refusals.Kind.TRACKER_FULL));
        assertEquals(100, r.firstAtNanos(Refusals.Kind.TRACKER_FULL));
        assertEquals(300, r.firstAtNanos(Refusals.Kind.RATE_LIMITED));
        assertEquals(0, r.count(Refusals.Kind.OTHER));
    }
}
