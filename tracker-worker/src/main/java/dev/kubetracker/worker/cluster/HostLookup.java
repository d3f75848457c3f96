package dev.kubetracker.worker.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Every address of a host name (or the address of a literal), looked up afresh on each call. */
public interface HostLookup extends AutoCloseable {
    /** The addresses, at least one; {@link UnknownHostException} for a lookup that gave none, for any reason. */
    List<InetAddress> addresses(String host) throws UnknownHostException;

    @Override
    void close();

    /**
     * DNS as {@code /etc/resolv.conf} says, without a cache ({@link DnsLookup}); but when the JVM is told to
     * take names from a file instead of DNS ({@code -Djdk.net.hosts.file}), the JDK, which then reads only
     * that file (and caches what it found for 30 s).
     */
    static HostLookup system() {
        if (System.getProperty("jdk.net.hosts.file") != null) {
            return jdk();
        }
        return DnsLookup.fromResolvConf();
    }

    /** The JDK's {@link InetAddress#getAllByName}, with its cache. */
    static HostLookup jdk() {
        return new HostLookup() {
            @Override
            public List<InetAddress> addresses(String host) throws UnknownHostException {
                return List.of(InetAddress.getAllByName(host));
            }

            @Override
            public void close() {
            }
        };
    }
}
