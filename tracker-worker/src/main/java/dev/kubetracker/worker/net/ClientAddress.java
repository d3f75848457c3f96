package dev.kubetracker.worker.net;

import java.net.InetAddress;

/**
 * A client's IP address in primitive fields, reused per request. IPv4-mapped IPv6 addresses
 * ({@code ::ffff:a.b.c.d}, as a dual-stack socket reports IPv4 clients) count as IPv4.
 */
public final class ClientAddress {
    /** 4 or 6; 0 when unset. */
    public int family;
    public int v4;
    public long v6High;
    public long v6Low;

    public boolean set(InetAddress address) {
        return set(address.getAddress());
    }

    /** Takes 4 or 16 bytes; returns false for any other length. */
    public boolean set(byte[] bytes) {
        if (bytes.length == 4) {
            setV4(readInt(bytes, 0));
            return true;
        }
        if (bytes.length != 16) {
            family = 0;
            return false;
        }
        setV6(readLong(bytes, 0), readLong(bytes, 8));
        return true;
    }

    /** An IPv6 address as two big-endian halves; a v4-mapped one becomes IPv4. */
    public void setV6(long high, long low) {
        if (high == 0 && (low >>> 32) == 0xFFFFL) {
            setV4((int) low);
        } else {
            family = 6;
            v4 = 0;
            v6High = high;
            v6Low = low;
        }
    }

    public void setV4(int address) {
        family = 4;
        v4 = address;
        v6High = 0;
        v6Low = 0;
    }

    public void copyFrom(ClientAddress other) {
        family = other.family;
        v4 = other.v4;
        v6High = other.v6High;
        v6Low = other.v6Low;
    }

    private static long readLong(byte[] b, int o) {
        return (readInt(b, o) & 0xFFFF_FFFFL) << 32 | (readInt(b, o + 4) & 0xFFFF_FFFFL);
    }

    private static int readInt(byte[] b, int o) {
        return (b[o] & 0xFF) << 24 | (b[o + 1] & 0xFF) << 16 | (b[o + 2] & 0xFF) << 8 | (b[o + 3] & 0xFF);
    }

    @Override
    public String toString() {
        if (family == 4) {
            return (v4 >>> 24) + "." + (v4 >>> 16 & 0xFF) + "." + (v4 >>> 8 & 0xFF) + "." + (v4 & 0xFF);
        }
        return String.format("%016x%016x", v6High, v6Low);
    }
}
