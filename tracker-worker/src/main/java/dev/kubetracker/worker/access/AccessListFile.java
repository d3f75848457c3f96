package dev.kubetracker.worker.access;

import dev.kubetracker.worker.swarm.TorrentRows;

/**
 * Parses an access-list file in opentracker's format: each line starts with a 40-hex-digit info hash
 * (either case); the rest of the line is ignored. Blank lines and lines starting with {@code #} are
 * skipped. Any other line is malformed: counted, its number kept for the log, and skipped.
 */
public final class AccessListFile {
    /** Line numbers of malformed lines kept for the log; the count covers all of them. */
    static final int MALFORMED_LINES_KEPT = 10;

    /** What a parse found: the hashes, how many lines were malformed, and the first few of them. */
    public record Parsed(InfoHashSet hashes, int malformedLines, int[] firstMalformedLineNumbers) {
    }

    private AccessListFile() {
    }

    /** Malformed lines of one file: how many, and the numbers of the first few. */
    public record Malformed(int count, int[] firstLineNumbers) {
    }

    public static Parsed parse(byte[] content) {
        TorrentRows rows = new TorrentRows(content.length / 41 + 1); // a typical line: 40 digits and a newline
        Malformed malformed = parseInto(rows, content);
        return new Parsed(InfoHashSet.of(rows), malformed.count(), malformed.firstLineNumbers());
    }

    /** Adds the content's hashes to {@code rows} (so that several files make one list). */
    public static Malformed parseInto(TorrentRows rows, byte[] content) {
        int malformed = 0;
        int[] firstMalformed = new int[MALFORMED_LINES_KEPT];
        int lineNumber = 0;
        // Skip a UTF-8 byte order mark, which some editors write at the start of a file.
        int at = content.length >= 3 && content[0] == (byte) 0xEF && content[1] == (byte) 0xBB
                && content[2] == (byte) 0xBF ? 3 : 0;
        while (at < content.length) {
            lineNumber++;
            int end = at;
            while (end < content.length && content[end] != '\n') {
                end++;
            }
            int start = skipBlanks(content, at, end);
            if (start < end && content[start] != '#' && !isBlank(content, start, end)) {
                if (isHashAt(content, start, end)) {
                    rows.visit(hex(content, start, 16), hex(content, start + 16, 16),
                            (int) hex(content, start + 32, 8), 0, 0, 0);
                } else {
                    if (malformed < MALFORMED_LINES_KEPT) {
                        firstMalformed[malformed] = lineNumber;
                    }
                    malformed++;
                }
            }
            at = end + 1;
        }
        return new Malformed(malformed, java.util.Arrays.copyOf(firstMalformed, Math.min(malformed, MALFORMED_LINES_KEPT)));
    }

    private static int skipBlanks(byte[] b, int from, int to) {
        while (from < to && (b[from] == ' ' || b[from] == '\t' || b[from] == '\r')) {
            from++;
        }
        return from;
    }

    private static boolean isBlank(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r') {
                return false;
            }
        }
        return true;
    }

    /** 40 hex digits, then the end of the line or a character that is not a hex digit. */
    private static boolean isHashAt(byte[] b, int start, int end) {
        if (end - start < 40) {
            return false;
        }
        for (int i = start; i < start + 40; i++) {
            if (HEX_VALUE[b[i] & 0xFF] < 0) {
                return false;
            }
        }
        return end == start + 40 || HEX_VALUE[b[start + 40] & 0xFF] < 0;
    }

    private static final byte[] HEX_VALUE = new byte[256];

    static {
        java.util.Arrays.fill(HEX_VALUE, (byte) -1);
        for (int c = 0; c < 256; c++) {
            int digit = Character.digit(c, 16);
            if (digit >= 0 && c < 128) {
                HEX_VALUE[c] = (byte) digit;
            }
        }
    }

    private static long hex(byte[] b, int from, int digits) {
        long v = 0;
        for (int i = from; i < from + digits; i++) {
            v = v << 4 | HEX_VALUE[b[i] & 0xFF];
        }
        return v;
    }
}
