package dev.kubetracker.worker.protocol.http;

import dev.kubetracker.worker.net.PortGuard;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The HTTP client port, on plain Netty: trackers answer tiny GET requests, often one per connection,
 * so the cost that matters is setting a connection up, and a general HTTP server's pipeline (codec,
 * aggregator, idle handler, protocol detection) costs more than the announce itself. Here a
 * connection is one handler, {@link HttpConnection}.
 *
 * <p>With epoll, each event loop has its own listening socket on the port (SO_REUSEPORT), so a
 * connection is accepted and served by the same thread, with no hand-over between threads; elsewhere
 * one NIO socket spreads connections over the loops. Each loop has one {@link HttpRequestRouter}.
 */
public final class HttpFrontend implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(HttpFrontend.class);

    private final EventLoopGroup group;
    private final List<Channel> channels = new ArrayList<>();

    private HttpFrontend(EventLoopGroup group) {
        this.group = group;
    }

    /** Limits that protect the tracker from slow or oversized clients. */
    public record Settings(String host, int port, int threads, int maxRequestLineLength, Duration idleTimeout) {
    }

    public static HttpFrontend bind(Settings settings, Supplier<HttpRequestRouter> routers) throws InterruptedException {
        HttpFrontend frontend = open(settings, routers, "tracker-http");
        LOG.infof("HTTP tracker listening on %s (%d thread%s, %s)", frontend.channels.get(0).localAddress(),
                Math.max(1, settings.threads()), settings.threads() > 1 ? "s" : "",
                Epoll.isAvailable() ? "epoll, SO_REUSEPORT" : "NIO");
        return frontend;
    }

    /**
     * A frontend with one thread on a free port of {@code host}, for the start-up warm-up: the port's own
     * connection code (accept, read, reply, close) over {@code router}, not announced in the log.
     */
    public static HttpFrontend bindForWarmUp(String host, int maxRequestLineLength, HttpRequestRouter router)
            throws InterruptedException {
        return open(new Settings(host, 0, 1, maxRequestLineLength, Duration.ofSeconds(30)), () -> router,
                "tracker-warm-up-http");
    }

    private static HttpFrontend open(Settings settings, Supplier<HttpRequestRouter> routers, String threadName)
            throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        int threads = Math.max(1, settings.threads());
        DefaultThreadFactory factory = new DefaultThreadFactory(threadName, true);
        EventLoopGroup group = epoll ? new EpollEventLoopGroup(threads, factory) : new NioEventLoopGroup(threads, factory);
        HttpFrontend frontend = new HttpFrontend(group);
        try {
            if (epoll && settings.port() != 0) {
                PortGuard.refuseIfTcpTaken(settings.host(), settings.port());
            }
            int port = settings.port();
            if (epoll) {
                for (EventExecutor executor : group) {
                    EventLoop loop = (EventLoop) executor;
                    ServerBootstrap bootstrap = bootstrap(loop, loop, settings, routers)
                            .channel(EpollServerSocketChannel.class)
                            .option(EpollChannelOption.SO_REUSEPORT, true)
                            // Wake for a connection only once its request has arrived (or after a second):
                            // one wake-up per short-lived connection instead of two; +10% per CPU-second.
                            .option(EpollChannelOption.TCP_DEFER_ACCEPT, 1);
                    Channel channel = bootstrap.bind(new InetSocketAddress(settings.host(), port)).sync().channel();
                    port = ((InetSocketAddress) channel.localAddress()).getPort();
                    frontend.channels.add(channel);
                }
            } else {
                ServerBootstrap bootstrap = bootstrap(group, group, settings, routers)
                        .channel(NioServerSocketChannel.class);
                frontend.channels.add(bootstrap.bind(new InetSocketAddress(settings.host(), port)).sync().channel());
            }
        } catch (InterruptedException | RuntimeException e) {
            frontend.close();
            throw e;
        }
        return frontend;
    }

    private static ServerBootstrap bootstrap(EventLoopGroup acceptors, EventLoopGroup workers, Settings settings,
                                             Supplier<HttpRequestRouter> routers) {
        return new ServerBootstrap().group(acceptors, workers)
                .option(ChannelOption.SO_BACKLOG, 4096)
                // (TCP_NODELAY is Netty's default for accepted sockets: setting it again costs a system call each)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(64, 1024, 16 * 1024))
                // a client that shuts its sending side after the request still gets the reply
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new PerLoopInitializer(settings, routers));
    }

    /** The bound port (the one chosen when the settings asked for port 0). */
    public int port() {
        return ((InetSocketAddress) channels.get(0).localAddress()).getPort();
    }

    @Override
    public void close() {
        for (Channel channel : channels) {
            channel.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * Gives each new connection its handler, with the router, request parser and idle list of the
     * event loop it landed on (created on the loop's first connection; only that thread touches them).
     */
    private static final class PerLoopInitializer extends ChannelInitializer<SocketChannel> {
        private final Settings settings;
        private final Supplier<HttpRequestRouter> routers;
        private final ThreadLocal<LoopState> states = new ThreadLocal<>();

        PerLoopInitializer(Settings settings, Supplier<HttpRequestRouter> routers) {
            this.settings = settings;
            this.routers = routers;
        }

        @Override
        protected void initChannel(SocketChannel channel) {
            LoopState state = states.get();
            if (state == null) {
                state = new LoopState(routers.get(), new HttpRequestHead(settings.maxRequestLineLength()),
                        new IdleConnections(settings.idleTimeout().toNanos()));
                IdleConnections idle = state.idle;
                channel.eventLoop().scheduleWithFixedDelay(() -> idle.closeIdle(System.nanoTime()), 1, 1, TimeUnit.SECONDS);
                states.set(state);
            }
            channel.pipeline().addLast(new HttpConnection(state.router, state.head, state.idle));
        }
    }

    private record LoopState(HttpRequestRouter router, HttpRequestHead head, IdleConnections idle) {
    }
}
