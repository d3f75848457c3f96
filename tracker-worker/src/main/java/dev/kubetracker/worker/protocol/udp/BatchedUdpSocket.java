package dev.kubetracker.worker.protocol.udp;

import dev.kubetracker.worker.net.ClientAddress;
import io.netty.buffer.ByteBuf;
import java.net.Inet6Address;
import java.net.InetAddress;
import org.jboss.logging.Logger;

/**
 * One UDP socket made and served straight on libc: its own thread takes up to 64 datagrams per
 * recvmmsg, answers each through its {@link UdpRequestHandler} into {@link DatagramBatch}'s reply
 * slots, and sends the batch's replies with one sendmmsg. Nothing is allocated per datagram or batch.
 *
 * <p>The socket blocks in recvmmsg at most {@link #WAKE_MILLIS} (SO_RCVTIMEO), so the thread sees
 * {@link #close()}: closing a descriptor does not wake a thread blocked on it in Linux.
 */
final class BatchedUdpSocket implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(BatchedUdpSocket.class);
    static final int BUFFER_BYTES = 4 << 20;
    static final long WAKE_MILLIS = 100;
    private static final long JOIN_MILLIS = 5_000;

    private final LibC libc;
    private final LibC.Loaded c;
    private final int fd;
    private final int port;
    private final DatagramBatch batch;
    private final UdpRequestHandler handler;
    private final ClientAddress client = new ClientAddress();
    private final Thread thread;
    private volatile boolean stopped;

    private BatchedUdpSocket(LibC.Loaded c, int fd, int port, DatagramBatch batch, UdpRequestHandler handler,
                             String threadName) {
        this.c = c;
        this.libc = c.libc;
        this.fd = fd;
        this.port = port;
        this.batch = batch;
        this.handler = handler;
        this.thread = new Thread(this::serve, threadName);
        thread.setDaemon(true);
    }

    /**
     * A socket on {@code host}:{@code port} (0: any free port) with SO_REUSEPORT, serving from now on.
     * Fails with an {@link IllegalStateException} that says why (port in use, no such address).
     */
    static BatchedUdpSocket open(LibC.Loaded c, InetAddress host, int port, UdpRequestHandler handler,
                                 String threadName) {
        DatagramBatch batch = new DatagramBatch(c);
        boolean v6 = host instanceof Inet6Address;
        int fd = c.libc.socket(v6 ? LibC.AF_INET6 : LibC.AF_INET, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw new IllegalStateException("UDP socket cannot be made: " + c.lastError());
        }
        try {
            if (v6) {
                option(c, fd, batch, LibC.IPPROTO_IPV6, LibC.IPV6_V6ONLY, 0, "IPV6_V6ONLY");
            }
            option(c, fd, batch, LibC.SOL_SOCKET, LibC.SO_REUSEPORT, 1, "SO_REUSEPORT");
            option(c, fd, batch, LibC.SOL_SOCKET, LibC.SO_RCVBUF, BUFFER_BYTES, "SO_RCVBUF");
            option(c, fd, batch, LibC.SOL_SOCKET, LibC.SO_SNDBUF, BUFFER_BYTES, "SO_SNDBUF");
            if (c.libc.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVTIMEO, batch.scratchTimeval(WAKE_MILLIS), 16) != 0) {
                throw new IllegalStateException("UDP socket refuses SO_RCVTIMEO: " + c.lastError());
            }
            int scope = v6 ? ((Inet6Address) host).getScopeId() : 0;
            int length = batch.scratchSockaddr(host.getAddress(), port, scope);
            if (c.libc.bind(fd, batch.scratchSockaddrAddress(), length) != 0) {
                int errno = c.errno();
                String why = c.libc.strerror(errno);
                throw new IllegalStateException(errno == LibC.EADDRINUSE
                        ? "UDP port " + port + " on " + host.getHostAddress() + " is already in use (" + why + ")"
                        : "UDP port " + port + " on " + host.getHostAddress() + " cannot be bound: " + why);
            }
            if (c.libc.getsockname(fd, batch.scratchSockaddrAddress(), batch.scratchInt(DatagramBatch.SOCKADDR_LENGTH)) != 0) {
                throw new IllegalStateException("UDP socket has no local address: " + c.lastError());
            }
            BatchedUdpSocket socket = new BatchedUdpSocket(c, fd, batch.scratchSockaddrPort(), batch, handler, threadName);
            socket.thread.start();
            return socket;
        } catch (RuntimeException e) {
            c.libc.close(fd);
            throw e;
        }
    }

    private static void option(LibC.Loaded c, int fd, DatagramBatch batch, int level, int name, int value, String label) {
        if (c.libc.setsockopt(fd, level, name, batch.scratchInt(value), 4) != 0) {
            throw new IllegalStateException("UDP socket refuses " + label + ": " + c.lastError());
        }
    }

    /** The bound port. */
    int port() {
        return port;
    }

    /** The serving thread (tests measure what it allocates). */
    Thread thread() {
        return thread;
    }

    private void serve() {
        try {
            loop();
        } catch (Throwable e) {
            // Without this line a dead thread would leave the port silently unanswered on this socket.
            LOG.errorf(e, "UDP socket thread %s stopped", Thread.currentThread().getName());
            throw e;
        }
    }

    private void loop() {
        int received = 0;
        while (!stopped) {
            batch.readyToReceive(received);
            received = libc.recvmmsg(fd, batch.receiveVector(), DatagramBatch.SIZE, LibC.MSG_WAITFORONE, 0);
            if (received <= 0) {
                if (received < 0) {
                    received = 0;
                    int errno = c.errno();
                    if (errno != LibC.EAGAIN && errno != LibC.EINTR && !stopped) {
                        LOG.debugf("recvmmsg failed: errno %d", errno);
                    }
                }
                continue;
            }
            if (stopped) {
                break; // woken by the shutdown: what it returned is no datagram
            }
            send(answer(received));
        }
    }

    /** Hands each datagram to the handler; returns the replies made (in slots 0 to n - 1). */
    private int answer(int received) {
        int replies = 0;
        for (int i = 0; i < received; i++) {
            if (!batch.sender(i, client)) {
                continue;
            }
            ByteBuf out = batch.reply(replies);
            try {
                if (handler.handle(batch.datagram(i), client, out)) {
                    batch.address(replies, i);
                    replies++;
                }
            } catch (RuntimeException e) {
                // One bad datagram must not stop the socket (as Netty's pipeline would log and go on).
                LOG.debugf(e, "UDP datagram not answered");
            }
        }
        return replies;
    }

    /** Sends replies 0 to n - 1; never blocks (a full send buffer drops the rest, counted). */
    private void send(int replies) {
        int sent = 0;
        while (sent < replies) {
            int n = libc.sendmmsg(fd, batch.sendVector(sent), replies - sent, LibC.MSG_DONTWAIT);
            if (n > 0) {
                sent += n;
                continue;
            }
            int errno = n < 0 ? c.errno() : 0;
            if (errno == LibC.EINTR) {
                continue;
            }
            if (errno == LibC.EAGAIN || errno == LibC.ENOBUFS) {
                for (; sent < replies; sent++) {
                    handler.replyDropped();
                }
                return;
            }
            // Another error belongs to the first unsent reply: drop it and go on with the next.
            handler.replyFailed();
            sent++;
        }
    }

    /** Tells the thread to stop, without waiting. */
    void stopSoon() {
        stopped = true;
        libc.shutdown(fd, LibC.SHUT_RD); // wakes a blocked recvmmsg at once where the kernel allows it
    }

    /** Stops the thread (within about {@link #WAKE_MILLIS}), then closes the socket. */
    @Override
    public void close() {
        stopSoon();
        try {
            thread.join(JOIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            // Never close a descriptor a thread may still use: the number could be reused by another socket.
            LOG.warnf("UDP socket thread %s did not stop; its socket stays open", thread.getName());
            return;
        }
        libc.close(fd);
    }
}
