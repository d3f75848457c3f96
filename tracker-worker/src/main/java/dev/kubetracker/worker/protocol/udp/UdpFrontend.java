package dev.kubetracker.worker.protocol.udp;

import dev.kubetracker.worker.net.ClientAddress;
import dev.kubetracker.worker.net.PortGuard;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The UDP sockets: with epoll, one socket per thread bound to the same port with SO_REUSEPORT, so the
 * kernel spreads datagrams over cores; elsewhere one NIO socket. Each socket has its own
 * {@link UdpRequestHandler}, used only by that socket's thread. The fallback of {@link BatchedUdpFrontend}
 * ({@link UdpTransport}).
 */
public final class UdpFrontend implements UdpPort {
    private static final Logger LOG = Logger.getLogger(UdpFrontend.class);
    /** Largest datagram we read; bigger ones are truncated (a scrape uses at most 16 + 74 * 20 bytes). */
    private static final int MAX_DATAGRAM = 2048;
    /** Datagrams one epoll read may take at once (recvmmsg), each a slice of one receive buffer. */
    private static final int DATAGRAMS_PER_READ = 16;

    private final EventLoopGroup group;
    private final List<Channel> channels = new ArrayList<>();

    private UdpFrontend(EventLoopGroup group) {
        this.group = group;
    }

    public static UdpFrontend bind(String host, int port, int sockets, Supplier<UdpRequestHandler> handlers)
            throws InterruptedException {
        UdpFrontend frontend = bind(host, port, sockets, handlers, "tracker-udp");
        LOG.infof("UDP tracker listening on %s (%d socket%s, %s)", frontend.channels.get(0).localAddress(),
                frontend.channels.size(), frontend.channels.size() == 1 ? "" : "s",
                Epoll.isAvailable() ? "epoll, SO_REUSEPORT" : "NIO");
        return frontend;
    }

    /** One socket on a port of the system's choice, for the start-up warm-up; logs nothing. */
    public static UdpFrontend bindForWarmUp(String host, Supplier<UdpRequestHandler> handlers)
            throws InterruptedException {
        return bind(host, 0, 1, handlers, "tracker-warm-up");
    }

    private static UdpFrontend bind(String host, int port, int sockets, Supplier<UdpRequestHandler> handlers,
                                    String threadName) throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        int count = epoll ? Math.max(1, sockets) : 1;
        DefaultThreadFactory threads = new DefaultThreadFactory(threadName, true);
        EventLoopGroup group = epoll ? new EpollEventLoopGroup(count, threads) : new NioEventLoopGroup(count, threads);
        UdpFrontend frontend = new UdpFrontend(group);
        try {
            if (epoll && port != 0) {
                PortGuard.refuseIfUdpTaken(host, port);
            }
            int boundPort = port;
            for (int i = 0; i < count; i++) {
                UdpRequestHandler handler = handlers.get();
                Bootstrap bootstrap = new Bootstrap().group(group)
                        .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                        .option(ChannelOption.SO_RCVBUF, 4 << 20)
                        .option(ChannelOption.SO_SNDBUF, 4 << 20)
                        .handler(new Handler(handler));
                if (epoll) {
                    // recvmmsg: up to 16 datagrams per system call instead of one.
                    bootstrap.option(EpollChannelOption.SO_REUSEPORT, true)
                            .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_DATAGRAM)
                            .option(ChannelOption.RCVBUF_ALLOCATOR,
                                    new io.netty.channel.FixedRecvByteBufAllocator(MAX_DATAGRAM * DATAGRAMS_PER_READ));
                } else {
                    bootstrap.option(ChannelOption.RCVBUF_ALLOCATOR,
                            new io.netty.channel.FixedRecvByteBufAllocator(MAX_DATAGRAM));
                }
                Channel channel = bootstrap.bind(new InetSocketAddress(host, boundPort)).sync().channel();
                boundPort = ((InetSocketAddress) channel.localAddress()).getPort();
                frontend.channels.add(channel);
            }
        } catch (InterruptedException | RuntimeException e) {
            frontend.close();
            throw e;
        }
        return frontend;
    }

    @Override
    public int port() {
        return ((InetSocketAddress) channels.get(0).localAddress()).getPort();
    }

    @Override
    public void close() {
        for (Channel channel : channels) {
            channel.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static final class Handler extends SimpleChannelInboundHandler<DatagramPacket> {
        private final UdpRequestHandler handler;
        private final ClientAddress client = new ClientAddress();

        Handler(UdpRequestHandler handler) {
            this.handler = handler;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            InetSocketAddress sender = packet.sender();
            if (sender == null || sender.getAddress() == null || !client.set(sender.getAddress())) {
                return;
            }
            if (!ctx.channel().isWritable()) {
                // The socket's send queue is backed up (a flood): drop rather than queue replies without bound.
                handler.overloaded();
                return;
            }
            ByteBuf out = ctx.alloc().ioBuffer(1500);
            boolean sent = false;
            try {
                if (handler.handle(packet.content(), client, out)) {
                    ctx.write(new DatagramPacket(out, sender), ctx.voidPromise());
                    sent = true;
                }
            } finally {
                if (!sent) {
                    out.release();
                }
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            // Replies of one read burst leave together (sendmmsg on epoll).
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A failed send (e.g. ICMP port unreachable surfacing as an error) must not close the socket.
            LOG.debugf(cause, "UDP socket error");
        }
    }
}
