package dev.kubetracker.worker.protocol.udp;

import dev.kubetracker.worker.net.PortGuard;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The UDP port served by {@link BatchedUdpSocket}s: several sockets on one port (SO_REUSEPORT), each
 * with its own thread and {@link UdpRequestHandler}. Linux only; {@link UdpTransport} falls back to
 * {@link UdpFrontend} elsewhere.
 */
public final class BatchedUdpFrontend implements UdpPort {
    private static final Logger LOG = Logger.getLogger(BatchedUdpFrontend.class);

    private final List<BatchedUdpSocket> sockets = new ArrayList<>();

    private BatchedUdpFrontend() {
    }

    /** Binds {@code count} sockets to {@code host}:{@code port} (0: a free port, the same for all). */
    public static BatchedUdpFrontend bind(LibC.Loaded c, String host, int port, int count,
                                          Supplier<UdpRequestHandler> handlers) {
        BatchedUdpFrontend frontend = open(c, host, port, count, handlers, "tracker-udp-");
        LOG.infof("UDP tracker listening on %s port %d (%d socket%s, recvmmsg/sendmmsg, SO_REUSEPORT)",
                host, frontend.port(), frontend.sockets.size(), frontend.sockets.size() == 1 ? "" : "s");
        return frontend;
    }

    /** One socket on a free port of {@code host}, for the start-up warm-up: its own thread name, no log line. */
    public static BatchedUdpFrontend bindForWarmUp(LibC.Loaded c, String host, Supplier<UdpRequestHandler> handlers) {
        return open(c, host, 0, 1, handlers, "tracker-warm-up-udp-");
    }

    private static BatchedUdpFrontend open(LibC.Loaded c, String host, int port, int count,
                                           Supplier<UdpRequestHandler> handlers, String threadPrefix) {
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("UDP host cannot be resolved: " + host, e);
        }
        if (port != 0) {
            // SO_REUSEPORT would let a second worker share the port silently.
            PortGuard.refuseIfUdpTaken(host, port);
        }
        BatchedUdpFrontend frontend = new BatchedUdpFrontend();
        try {
            int boundPort = port;
            for (int i = 0; i < Math.max(1, count); i++) {
                BatchedUdpSocket socket = BatchedUdpSocket.open(c, address, boundPort, handlers.get(), threadPrefix + i);
                frontend.sockets.add(socket);
                boundPort = socket.port();
            }
        } catch (RuntimeException e) {
            frontend.close();
            throw e;
        }
        return frontend;
    }

    @Override
    public int port() {
        return sockets.get(0).port();
    }

    List<BatchedUdpSocket> sockets() {
        return sockets;
    }

    @Override
    public void close() {
        for (BatchedUdpSocket socket : sockets) {
            socket.stopSoon();
        }
        for (BatchedUdpSocket socket : sockets) {
            socket.close();
        }
    }
}
