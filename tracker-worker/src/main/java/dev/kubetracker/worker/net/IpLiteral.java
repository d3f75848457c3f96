package dev.kubetracker.worker.net;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Parses textual IP addresses (never host names, so never a DNS lookup) into a {@link ClientAddress}. */
public final class IpLiteral {
    private IpLiteral() {
    }

    /** Returns false when {@code text} is not an IPv4 or IPv6 literal; brackets around IPv6 are allowed. */
    public static boolean parse(String text, ClientAddress out) {
        String s = text.trim();
        if (s.length() > 2 && s.charAt(0) == '[' && s.charAt(s.length() - 1) == ']') {
            s = s.substring(1, s.length() - 1);
        }
        if (s.isEmpty()) {
            return false;
        }
        int v4 = parseV4(s);
        if (v4 != -1 || "255.255.255.255".equals(s)) {
            out.setV4(v4);
            return true;
        }
        if (s.indexOf(':') < 0) {
            return false;
        }
        // Only hex digits, colons and dots before an optional %scope: anything else could be a host name.
        int percent = s.indexOf('%');
        int end = percent < 0 ? s.length() : percent;
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            if (c != ':' && c != '.' && Character.digit(c, 16) < 0) {
                return false;
            }
        }
        try {
            return out.set(InetAddress.getByName(s));
        } catch (UnknownHostException | SecurityException e) {
            return false;
        }
    }

    /** Dotted-quad IPv4, or -1 when it is not one (255.255.255.255 is checked by the caller). */
    private static int parseV4(String s) {
        int value = 0;
        int octet = -1;
        int dots = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                octet = (octet < 0 ? 0 : octet * 10) + (c - '0');
                if (octet > 255) {
                    return -1;
                }
            } else if (c == '.' && octet >= 0 && dots < 3) {
                value = value << 8 | octet;
                octet = -1;
                dots++;
            } else {
                return -1;
            }
        }
        if (dots != 3 || octet < 0) {
            return -1;
        }
        return value << 8 | octet;
    }
}
