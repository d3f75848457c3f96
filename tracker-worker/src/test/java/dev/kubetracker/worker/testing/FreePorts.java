package dev.kubetracker.worker.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.ServerSocket;

/**
 * Port numbers free at the moment of asking (the kernel's pick), for servers a test starts. Another
 * process may take one before the server binds it; that is rare enough, and a fixed port is worse.
 */
public final class FreePorts {
    private FreePorts() {
    }

    /** A TCP port free on every address. */
    public static int tcp() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One number free for both TCP and UDP on every address, as a tracker's client port needs. */
    public static int tcpAndUdp() {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket tcp = new ServerSocket(0); DatagramSocket udp = new DatagramSocket(tcp.getLocalPort())) {
                return udp.getLocalPort();
            } catch (IOException takenForUdp) {
                // try another number
            }
        }
        throw new IllegalStateException("no port free for both TCP and UDP in 50 tries");
    }
}
