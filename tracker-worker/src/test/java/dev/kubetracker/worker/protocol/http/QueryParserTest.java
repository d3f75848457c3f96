package dev.kubetracker.worker.protocol.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class QueryParserTest {
    private final QueryParser parser = new QueryParser();

    private byte[] value() {
        return Arrays.copyOf(parser.value(), parser.valueLength());
    }

    @Test
    void decodesPercentEscapesAsRawBytes() {
        parser.reset("/announce?info_hash=%00%ff%7Fa.-_~&port=1");
        assertTrue(parser.next());
        assertTrue(parser.keyIs("info_hash"));
        assertArrayEquals(new byte[] {0, (byte) 0xFF, 0x7F, 'a', '.', '-', '_', '~'}, value());
        assertTrue(parser.next());
        assertTrue(parser.keyIs("port"));
        assertEquals(1, parser.valueAsLong(-1));
        assertFalse(parser.next());
        assertFalse(parser.failed());
    }

    @Test
    void treatsPlusAsSpaceAndStopsAtFragment() {
        parser.reset("/scrape?a=x+y#b=2");
        assertTrue(parser.next());
        assertArrayEquals("x y".getBytes(), value());
        assertFalse(parser.next());
    }

    @Test
    void skipsEmptyParametersAndAcceptsKeysWithoutValue() {
        parser.reset("/announce?&&compact&=x&numwant=");
        assertTrue(parser.next());
        assertTrue(parser.keyIs("compact"));
        assertEquals(0, parser.valueLength());
        assertTrue(parser.next());
        assertTrue(parser.keyIs("numwant"));
        assertEquals(-7, parser.valueAsLong(-7), "empty is not a number");
        assertFalse(parser.next());
    }

    @Test
    void failsOnBrokenEscapes() {
        for (String bad : new String[] {"%", "%4", "%zz", "%g0", "a%2"}) {
            parser.reset("/announce?info_hash=" + bad);
            assertFalse(parser.next(), bad);
            assertTrue(parser.failed(), bad);
        }
    }

    @Test
    void failsOnOverlongValues() {
        parser.reset("/announce?x=" + "a".repeat(QueryParser.MAX_VALUE_BYTES + 1));
        assertFalse(parser.next());
        assertTrue(parser.failed());
    }

    @Test
    void readsNumbersSaturatingInsteadOfOverflowing() {
        parser.reset("/?a=-5&b=99999999999999999999999&c=-99999999999999999999999&d=12x&e=-");
        parser.next();
        assertEquals(-5, parser.valueAsLong(0));
        parser.next();
        assertEquals(Long.MAX_VALUE, parser.valueAsLong(0));
        parser.next();
        assertEquals(Long.MIN_VALUE, parser.valueAsLong(0));
        parser.next();
        assertEquals(42, parser.valueAsLong(42));
        parser.next();
        assertEquals(42, parser.valueAsLong(42));
    }

    @Test
    void aUriWithoutQueryHasNoParameters() {
        parser.reset("/announce");
        assertFalse(parser.next());
        assertFalse(parser.failed());
    }
}
