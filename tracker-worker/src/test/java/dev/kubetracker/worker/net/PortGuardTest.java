package dev.kubetracker.worker.net;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class PortGuardTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void aTcpPortAnotherSocketHoldsIsRefused() throws Exception {
        try (ServerSocket other = new ServerSocket(0, 1, LOOPBACK)) {
            int port = other.getLocalPort();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> PortGuard.refuseIfTcpTaken(LOOPBACK.getHostAddress(), port));
            assertEquals("TCP port " + port + " on " + LOOPBACK.getHostAddress() + " is already in use", e.getMessage());
        }
    }

    @Test
    void aUdpPortAnotherSocketHoldsIsRefused() throws Exception {
        try (DatagramSocket other = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            int port = other.getLocalPort();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> PortGuard.refuseIfUdpTaken(LOOPBACK.getHostAddress(), port));
            assertEquals("UDP port " + port + " on " + LOOPBACK.getHostAddress() + " is already in use", e.getMessage());
        }
    }

    @Test
    void freePortsPass() throws Exception {
        int tcp;
        int udp;
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK); DatagramSocket d = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            tcp = s.getLocalPort();
            udp = d.getLocalPort();
        }
        assertDoesNotThrow(() -> PortGuard.refuseIfTcpTaken(LOOPBACK.getHostAddress(), tcp));
        assertDoesNotThrow(() -> PortGuard.refuseIfUdpTaken(LOOPBACK.getHostAddress(), udp));
    }
}
