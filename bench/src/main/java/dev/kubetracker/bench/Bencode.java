package dev.kubetracker.bench;

/**
 * Checks that bytes are exactly one complete bencoded value and counts the torrents of a full scrape
 * ({@code d5:filesd<20-byte hash>d...e...ee}). Truncated or trailing data is invalid.
 */
public final class Bencode {
    /** The verdict on a full scrape: whether it parsed completely, and how many torrents it lists. */
    public record ScrapeCheck(boolean valid, long torrents, String problem) {
    }

    private final byte[] in;
    private final int length;
    private int at;

    private Bencode(byte[] in, int length) {
        this.in = in;
        this.length = length;
    }

    public static ScrapeCheck checkFullScrape(byte[] in, int length) {
        Bencode b = new Bencode(in, length);
        try {
            b.expect('d');
            long torrents = -1;
            while (b.peek() != 'e') {
                String key = b.string();
                if (key.equals("files")) {
                    torrents = b.files();
                } else {
                    b.value(0);
                }
            }
            b.at++;
            if (b.at != length) {
                return new ScrapeCheck(false, torrents, (length - b.at) + " bytes after the end");
            }
            return torrents < 0 ? new ScrapeCheck(false, 0, "no files dictionary") : new ScrapeCheck(true, torrents, "");
        } catch (IllegalArgumentException e) {
            return new ScrapeCheck(false, 0, e.getMessage());
        }
    }

    /** The files dictionary: 20-byte keys, each a dictionary of counts. */
    private long files() {
        expect('d');
        long count = 0;
        while (peek() != 'e') {
            int keyLength = length();
            if (keyLength != 20) {
                throw fail("a key of " + keyLength + " bytes in files");
            }
            at += 20;
            if (peek() != 'd') {
                throw fail("a torrent that is not a dictionary");
            }
            value(0);
            count++;
        }
        at++;
        return count;
    }

    private void value(int depth) {
        if (depth > 32) {
            throw fail("nested too deep");
        }
        byte c = peek();
        if (c == 'i') {
            at++;
            if (peek() == '-') {
                at++;
            }
            int digits = 0;
            while (peek() != 'e') {
                digit();
                digits++;
            }
            if (digits == 0) {
                throw fail("an empty integer");
            }
            at++;
        } else if (c == 'l' || c == 'd') {
            at++;
            while (peek() != 'e') {
                if (c == 'd') {
                    string();
                }
                value(depth + 1);
            }
            at++;
        } else {
            at += length();
            if (at > length) {
                throw fail("a string past the end");
            }
        }
    }

    private String string() {
        int n = length();
        if (at + n > length) {
            throw fail("a string past the end");
        }
        String s = new String(in, at, n, java.nio.charset.StandardCharsets.ISO_8859_1);
        at += n;
        return s;
    }

    /** A string's length prefix ({@code 20:}), leaving {@code at} on its first byte. */
    private int length() {
        long n = 0;
        int digits = 0;
        while (peek() != ':') {
            n = n * 10 + digit();
            if (++digits > 9) {
                throw fail("a string length too long");
            }
        }
        if (digits == 0) {
            throw fail("a string without length");
        }
        at++;
        return (int) n;
    }

    private int digit() {
        byte c = peek();
        if (c < '0' || c > '9') {
            throw fail(String.format("byte 0x%02x where a digit belongs", c & 0xFF));
        }
        at++;
        return c - '0';
    }

    private void expect(char c) {
        if (peek() != c) {
            throw fail("expected '" + c + "'");
        }
        at++;
    }

    private byte peek() {
        if (at >= length) {
            throw fail("truncated");
        }
        return in[at];
    }

    private IllegalArgumentException fail(String why) {
        return new IllegalArgumentException(why + " at byte " + at);
    }
}
