package dev.kubetracker.worker.cluster;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The siblings of this worker: a static {@code host:port} list, and/or every A and AAAA record of a
 * headless Service name (re-resolved periodically), minus this worker itself. The current list is an
 * immutable snapshot swapped on change.
 *
 * <p>"This worker" is the address its sync port is bound to: with a specific address only that address
 * (siblings may share the port on other addresses of the same machine, as 127.0.0.2 and 127.0.0.3 do);
 * with the wildcard every address of the machine, loopback included, since all of them reach it.
 */
public final class Membership {
    private static final Logger LOG = Logger.getLogger(Membership.class);

    private final List<String> staticPeers;
    private final Optional<String> dnsName;
    private final InetAddress bindAddress;
    private final int ownPort;
    private volatile List<InetSocketAddress> siblings = List.of();

    /** {@code bound} is where this worker's sync port listens (a resolved address, possibly the wildcard). */
    public Membership(List<String> staticPeers, Optional<String> dnsName, InetSocketAddress bound) {
        if (bound.isUnresolved()) {
            throw new IllegalArgumentException("the sync port's bind address is not resolved: " + bound);
        }
        this.staticPeers = List.copyOf(staticPeers);
        this.dnsName = dnsName.filter(s -> !s.isBlank());
        this.bindAddress = bound.getAddress();
        this.ownPort = bound.getPort();
    }

    public boolean configured() {
        return !staticPeers.isEmpty() || dnsName.isPresent();
    }

    public List<InetSocketAddress> siblings() {
        return siblings;
    }

    /** Resolves the names again; siblings that appeared or left take effect at once. */
    public void refresh() {
        Set<InetSocketAddress> found = new LinkedHashSet<>();
        for (String peer : staticPeers) {
            try {
                InetSocketAddress address = parse(peer, ownPort);
                for (InetAddress a : InetAddress.getAllByName(address.getHostString())) {
                    add(found, new InetSocketAddress(a, address.getPort()));
                }
            } catch (UnknownHostException | IllegalArgumentException e) {
                LOG.warnf("cluster peer %s not resolved: %s", peer, e.getMessage());
            }
        }
        if (dnsName.isPresent()) {
            try {
                for (InetAddress a : InetAddress.getAllByName(dnsName.get())) {
                    add(found, new InetSocketAddress(a, ownPort));
                }
            } catch (UnknownHostException e) {
                LOG.debugf("cluster service %s has no records yet", dnsName.get());
            }
        }
        List<InetSocketAddress> next = List.copyOf(found);
        if (!next.equals(siblings)) {
            LOG.infof("cluster siblings: %s", next);
            siblings = next;
        }
    }

    private void add(Set<InetSocketAddress> found, InetSocketAddress candidate) {
        if (!isSelf(candidate)) {
            found.add(candidate);
        }
    }

    /** The address this worker's sync port is bound to, or with the wildcard any address of this machine. */
    boolean isSelf(InetSocketAddress candidate) {
        InetAddress a = candidate.getAddress();
        if (candidate.getPort() != ownPort || a == null) {
            return false;
        }
        if (!bindAddress.isAnyLocalAddress()) {
            return a.equals(bindAddress);
        }
        if (a.isAnyLocalAddress() || a.isLoopbackAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(a) != null;
        } catch (SocketException e) {
            return false;
        }
    }

    /** {@code host:port}, {@code [v6]:port}, or a bare host (then the default port). */
    public static InetSocketAddress parse(String text, int defaultPort) {
        String s = text.trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty cluster peer");
        }
        String host;
        int port = defaultPort;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("unclosed [ in " + text);
            }
            host = s.substring(1, close);
            if (close + 1 < s.length()) {
                if (s.charAt(close + 1) != ':') {
                    throw new IllegalArgumentException("expected :port after ] in " + text);
                }
                port = port(s.substring(close + 2), text);
            }
        } else if (s.indexOf(':') >= 0 && s.indexOf(':') == s.lastIndexOf(':')) {
            host = s.substring(0, s.indexOf(':'));
            port = port(s.substring(s.indexOf(':') + 1), text);
        } else {
            host = s; // a bare IPv6 literal or a name
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("no host in " + text);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range in " + text);
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    private static int port(String digits, String text) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a port number after the ':' in " + text);
        }
    }

    static List<String> split(List<String> values) {
        List<String> out = new ArrayList<>();
        for (String v : values) {
            if (!v.isBlank()) {
                out.add(v.trim());
            }
        }
        return out;
    }
}
