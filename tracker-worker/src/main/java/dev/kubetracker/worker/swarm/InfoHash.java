package dev.kubetracker.worker.swarm;

/**
 * A mutable 20-byte info hash held in primitive fields (two longs and an int, big-endian), so that it
 * can be decoded in place and used as a table key without allocating.
 */
public final class InfoHash {
    public static final int LENGTH = 20;

    public long high;
    public long middle;
    public int low;

    public void clear() {
        high = 0;
        middle = 0;
        low = 0;
    }

    public void set(byte[] bytes, int offset) {
        high = readLong(bytes, offset);
        middle = readLong(bytes, offset + 8);
        low = (int) readInt(bytes, offset + 16);
    }

    public void set(long high, long middle, int low) {
        this.high = high;
        this.middle = middle;
        this.low = low;
    }

    public void writeTo(byte[] bytes, int offset) {
        writeTo(high, middle, low, bytes, offset);
    }

    public static void writeTo(long high, long middle, int low, byte[] bytes, int offset) {
        for (int i = 0; i < 8; i++) {
            bytes[offset + i] = (byte) (high >>> (56 - 8 * i));
            bytes[offset + 8 + i] = (byte) (middle >>> (56 - 8 * i));
        }
        for (int i = 0; i < 4; i++) {
            bytes[offset + 16 + i] = (byte) (low >>> (24 - 8 * i));
        }
    }

    /** Lower-case hex, 40 characters. */
    public static String toHex(long high, long middle, int low) {
        return String.format("%016x%016x%08x", high, middle, low);
    }

    @Override
    public String toString() {
        return toHex(high, middle, low);
    }

    private static long readLong(byte[] b, int o) {
        return readInt(b, o) << 32 | readInt(b, o + 4);
    }

    private static long readInt(byte[] b, int o) {
        return (b[o] & 0xFFL) << 24 | (b[o + 1] & 0xFFL) << 16 | (b[o + 2] & 0xFFL) << 8 | (b[o + 3] & 0xFFL);
    }
}
