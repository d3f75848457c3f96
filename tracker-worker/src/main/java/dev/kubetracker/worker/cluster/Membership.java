package dev.kubetracker.worker.cluster;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The siblings of this worker: a static {@code host:port} list, and/or every A and AAAA record of a
 * headless Service name (looked up again periodically, through a {@link HostLookup}), minus this worker
 * itself. The current list is an immutable snapshot swapped on change.
 *
 * <p>"This worker" is the address its sync port is bound to: with a specific address only that address
 * (siblings may share the port on other addresses of the same machine, as 127.0.0.2 and 127.0.0.3 do);
 * with the wildcard every address of the machine, loopback included, since all of them reach it.
 */
public final class Membership {
    private static final Logger LOG = Logger.getLogger(Membership.class);

    private final List<String> staticPeers;
    private final Optional<String> dnsName;
    private final HostLookup lookup;
    private final InetAddress bindAddress;
    private final int ownPort;
    /** Per configured name (a static peer or the DNS name), the addresses of its last successful lookup. */
    private final Map<String, List<InetSocketAddress>> lastFound = new HashMap<>();
    /** The names whose last lookup failed: each failure and recovery is logged once, not every refresh. */
    private final Set<String> failing = new HashSet<>();
    private volatile List<InetSocketAddress> siblings = List.of();

    /** {@code bound} is where this worker's sync port listens (a resolved address, possibly the wildcard). */
    public Membership(List<String> staticPeers, Optional<String> dnsName, InetSocketAddress bound, HostLookup lookup) {
        if (bound.isUnresolved()) {
            throw new IllegalArgumentException("the sync port's bind address is not resolved: " + bound);
        }
        this.staticPeers = List.copyOf(staticPeers);
        this.dnsName = dnsName.filter(s -> !s.isBlank());
        this.lookup = lookup;
        this.bindAddress = bound.getAddress();
        this.ownPort = bound.getPort();
    }

    public boolean configured() {
        return !staticPeers.isEmpty() || dnsName.isPresent();
    }

    public List<InetSocketAddress> siblings() {
        return siblings;
    }

    /**
     * Looks the names up again; siblings that appeared or left take effect at once. A lookup that fails
     * (timeout, server failure, no such name) keeps what that name gave last: a DNS hiccup must not cut
     * the cluster apart, and while this worker runs the headless Service holds at least its own address,
     * so "no such name" is never the true answer. Called by one thread at a time (start-up, then the refresher).
     */
    public void refresh() {
        Set<InetSocketAddress> found = new LinkedHashSet<>();
        for (String peer : staticPeers) {
            try {
                InetSocketAddress address = parse(peer, ownPort);
                found.addAll(lookUp(peer, address.getHostString(), address.getPort()));
            } catch (IllegalArgumentException e) {
                LOG.warnf("cluster peer %s ignored: %s", peer, e.getMessage());
            }
        }
        dnsName.ifPresent(name -> found.addAll(lookUp(name, name, ownPort)));
        List<InetSocketAddress> next = List.copyOf(found);
        if (!next.equals(siblings)) {
            LOG.infof("cluster siblings: %s", next);
            siblings = next;
        }
    }

    /** The addresses {@code host} has now, or on failure those the entry had at its last successful lookup. */
    private List<InetSocketAddress> lookUp(String entry, String host, int port) {
        try {
            List<InetSocketAddress> addresses = new ArrayList<>();
            for (InetAddress a : lookup.addresses(host)) {
                InetSocketAddress candidate = new InetSocketAddress(a, port);
                if (!isSelf(candidate)) {
                    addresses.add(candidate);
                }
            }
            lastFound.put(entry, addresses);
            if (failing.remove(entry)) {
                LOG.infof("cluster name %s resolved again", host);
            }
            return addresses;
        } catch (UnknownHostException e) {
            List<InetSocketAddress> last = lastFound.getOrDefault(entry, List.of());
            if (failing.add(entry)) {
                LOG.warnf("cluster name %s not resolved (%s): keeping its last addresses %s", host, e.getMessage(), last);
            }
            return last;
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
