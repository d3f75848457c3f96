package dev.kubetracker.worker.net;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An IPv4 or IPv6 network such as {@code 10.0.0.0/8} or {@code fd00::/8}; a bare address is a /32 or /128. */
public record Cidr(int family, long high, long low, int prefix) {

    public static Cidr parse(String text) {
        String s = text.trim();
        int slash = s.indexOf('/');
        String host = slash < 0 ? s : s.substring(0, slash);
        if (host.isEmpty() || !(host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || Character.isDigit(c)))) {
            throw new IllegalArgumentException("not an IP network: " + text);
        }
        ClientAddress address = new ClientAddress();
        try {
            // A literal only: the check above keeps host names (and so DNS lookups) out.
            address.set(InetAddress.getByName(host));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP network: " + text, e);
        }
        int max = address.family == 4 ? 32 : 128;
        int prefix;
        try {
            prefix = slash < 0 ? max : Integer.parseInt(s.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad prefix length in " + text, e);
        }
        if (prefix < 0 || prefix > max) {
            throw new IllegalArgumentException("prefix length out of range in " + text);
        }
        if (address.family == 4) {
            return new Cidr(4, 0, address.v4 & 0xFFFF_FFFFL & mask32(prefix), prefix);
        }
        return new Cidr(6, address.v6High & mask64(prefix), address.v6Low & mask64(prefix - 64), prefix);
    }

    public boolean contains(ClientAddress a) {
        if (a.family != family) {
            return false;
        }
        if (family == 4) {
            return ((a.v4 & 0xFFFF_FFFFL) & mask32(prefix)) == low;
        }
        return (a.v6High & mask64(prefix)) == high && (a.v6Low & mask64(prefix - 64)) == low;
    }

    private static long mask32(int prefix) {
        return prefix == 0 ? 0 : (0xFFFF_FFFFL << (32 - prefix)) & 0xFFFF_FFFFL;
    }

    /** Mask of the top {@code bits} bits of a long; bits below 0 give 0, above 64 give all. */
    private static long mask64(int bits) {
        if (bits <= 0) {
            return 0;
        }
        return bits >= 64 ? -1L : -1L << (64 - bits);
    }
}
