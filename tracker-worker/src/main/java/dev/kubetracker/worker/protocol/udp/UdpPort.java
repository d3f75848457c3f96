package dev.kubetracker.worker.protocol.udp;

/** A bound UDP port served by one of the {@link UdpTransport}s; closing it stops its threads. */
public interface UdpPort extends AutoCloseable {
    /** The bound port (the one chosen when asked for port 0). */
    int port();

    @Override
    void close();
}
