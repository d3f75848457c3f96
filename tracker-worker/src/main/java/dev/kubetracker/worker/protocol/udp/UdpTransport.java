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
    public UdpPort bind(String host, int port, int sockets, Supplier<UdpRequestHandler> handlers)
            throws InterruptedException {
        LibC.Loaded libc = this == BATCHED ? libcOrNull(true) : null;
        return libc != null ? BatchedUdpFrontend.bind(libc, host, port, sockets, handlers)
                : UdpFrontend.bind(host, port, sockets, handlers);
    }

    /** A socket of the transport {@link #bind} would use, on a free port of {@code host}, for the warm-up. */
    public UdpPort bindForWarmUp(String host, Supplier<UdpRequestHandler> handlers) throws InterruptedException {
        LibC.Loaded libc = this == BATCHED ? libcOrNull(false) : null;
        return libc != null ? BatchedUdpFrontend.bindForWarmUp(libc, host, handlers)
                : UdpFrontend.bindForWarmUp(host, handlers);
    }

    private static LibC.Loaded libcOrNull(boolean logFallback) {
        try {
            return LibC.load();
        } catch (UnsupportedOperationException e) {
            if (logFallback) {
                LOG.infof("UDP transport batched is not available (%s): using netty", e.getMessage());
            }
            return null;
        }
    }
}
