package dev.kubetracker.worker.protocol.udp;

import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * How the UDP port is served ({@code tracker.udp.transport}): {@code batched}, this tracker's own loop
 * on libc's recvmmsg/sendmmsg ({@link BatchedUdpFrontend}), or {@code netty}, Netty's epoll transport
 * ({@link UdpFrontend}). Batched falls back to Netty, with one log line, where libc cannot be loaded.
 */
public enum UdpTransport {
    BATCHED, NETTY;

    private static final Logger LOG = Logger.getLogger(UdpTransport.class);

    /** Binds the port with this transport, or with Netty where batched cannot run here. */
    public AutoCloseable bind(String host, int port, int sockets, Supplier<UdpRequestHandler> handlers)
            throws InterruptedException {
        if (this == BATCHED) {
            LibC.Loaded libc;
            try {
                libc = LibC.load();
            } catch (UnsupportedOperationException e) {
                LOG.infof("UDP transport batched is not available (%s): using netty", e.getMessage());
                return UdpFrontend.bind(host, port, sockets, handlers);
            }
            return BatchedUdpFrontend.bind(libc, host, port, sockets, handlers);
        }
        return UdpFrontend.bind(host, port, sockets, handlers);
    }
}
