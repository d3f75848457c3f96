package dev.kubetracker.worker.protocol.http;

import java.nio.charset.StandardCharsets;

/**
 * Walks the query string of a request URI parameter by parameter, percent-decoding values as raw bytes
 * (BEP 3: {@code info_hash} and {@code peer_id} are binary), into a reused buffer. Allocation-free.
 *
 * <pre>
 * parser.reset(uri);
 * while (parser.next()) { if (parser.keyIs("info_hash")) ... parser.value() ... }
 * if (parser.failed()) ... malformed percent-encoding or an overlong value
 * </pre>
 */
public final class QueryParser {
    /** Longest decoded value kept; longer values make the query malformed. */
    static final int MAX_VALUE_BYTES = 256;

    private final byte[] value = new byte[MAX_VALUE_BYTES];
    private int valueLength;
    private byte[] target = new byte[0];
    private int position;
    private int end;
    private int keyStart;
    private int keyEnd;
    private boolean failed;

    /** Starts at the query of {@code uri}; for tests and tools (the server hands over raw bytes). */
    public void reset(String uri) {
        byte[] bytes = uri.getBytes(StandardCharsets.ISO_8859_1);
        reset(bytes, bytes.length);
    }

    /**
     * Starts at the query of the request target in {@code target[0, length)} (after {@code ?}, before
     * any {@code #}). The bytes are read in place, not copied: they must stay put while parsing.
     */
    public void reset(byte[] target, int length) {
        this.target = target;
        int question = indexOf('?', 0, length);
        int hash = indexOf('#', 0, length);
        end = hash < 0 ? length : hash;
        position = question < 0 || question > end ? end : question + 1;
        failed = false;
        valueLength = 0;
    }

    private int indexOf(int b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (target[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** Advances to the next parameter; false at the end or after a malformed one. */
    public boolean next() {
        while (!failed && position < end) {
            int ampersand = indexOf('&', position, end);
            int paramEnd = ampersand < 0 ? end : ampersand;
            int equals = indexOf('=', position, paramEnd);
            if (equals < 0) {
                equals = paramEnd;
            }
            keyStart = position;
            keyEnd = equals;
            position = paramEnd + 1;
            if (keyStart == keyEnd) {
                continue; // "&&" or "&=x": nothing to read
            }
            decode(equals == paramEnd ? paramEnd : equals + 1, paramEnd);
            return !failed;
        }
        return false;
    }

    public boolean failed() {
        return failed;
    }

    public boolean keyIs(String name) {
        if (keyEnd - keyStart != name.length()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (target[keyStart + i] != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    public byte[] value() {
        return value;
    }

    public int valueLength() {
        return valueLength;
    }

    /**
     * The value as a decimal number: saturates at {@link Long#MAX_VALUE} or {@link Long#MIN_VALUE}
     * when too long; {@code invalid} when it is empty or not a number.
     */
    public long valueAsLong(long invalid) {
        if (valueLength == 0) {
            return invalid;
        }
        int i = 0;
        boolean negative = value[0] == '-';
        if (negative || value[0] == '+') {
            i = 1;
        }
        if (i == valueLength) {
            return invalid;
        }
        long n = 0;
        for (; i < valueLength; i++) {
            int digit = value[i] - '0';
            if (digit < 0 || digit > 9) {
                return invalid;
            }
            if (n > (Long.MAX_VALUE - digit) / 10) {
                return negative ? Long.MIN_VALUE : Long.MAX_VALUE;
            }
            n = n * 10 + digit;
        }
        return negative ? -n : n;
    }

    /** True when the value is a (possibly signed) decimal integer, of any length. */
    public boolean valueIsInteger() {
        int i = valueLength > 0 && (value[0] == '-' || value[0] == '+') ? 1 : 0;
        if (i == valueLength) {
            return false;
        }
        for (; i < valueLength; i++) {
            if (value[i] < '0' || value[i] > '9') {
                return false;
            }
        }
        return true;
    }

    public boolean valueIs(String ascii) {
        if (valueLength != ascii.length()) {
            return false;
        }
        for (int i = 0; i < valueLength; i++) {
            if (value[i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private void decode(int from, int to) {
        valueLength = 0;
        for (int i = from; i < to; i++) {
            if (valueLength == MAX_VALUE_BYTES) {
                failed = true;
                return;
            }
            int c = target[i] & 0xFF;
            if (c == '%') {
                int hi = i + 1 < to ? Character.digit(target[i + 1], 16) : -1;
                int lo = i + 2 < to ? Character.digit(target[i + 2], 16) : -1;
                if (hi < 0 || lo < 0) {
                    failed = true;
                    return;
                }
                value[valueLength++] = (byte) (hi << 4 | lo);
                i += 2;
            } else if (c == '+') {
                value[valueLength++] = ' ';
            } else if (c > 0x7F) {
                failed = true; // a raw non-ASCII character is not a valid URI
                return;
            } else {
                value[valueLength++] = (byte) c;
            }
        }
    }
}
