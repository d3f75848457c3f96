package dev.kubetracker.worker.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;

/**
 * The client ports bind one socket per event loop with SO_REUSEPORT, which would let this worker share a
 * port with another process that also set it (a second worker started by mistake) and silently split
 * the clients between them. A plain bind first, without SO_REUSEPORT, makes that an error.
 */
public final class PortGuard {
    private PortGuard() {
    }

    public static void refuseIfTcpTaken(String host, int port) {
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            probe.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw taken("TCP", host, port, e);
        }
    }

    public static void refuseIfUdpTaken(String host, int port) {
        try (DatagramChannel probe = DatagramChannel.open()) {
            probe.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw taken("UDP", host, port, e);
        }
    }

    private static IllegalStateException taken(String protocol, String host, int port, IOException cause) {
        return new IllegalStateException(protocol + " port " + port + " on " + host + " is already in use", cause);
    }
}
