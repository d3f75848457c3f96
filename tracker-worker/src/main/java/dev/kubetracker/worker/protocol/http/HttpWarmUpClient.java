package dev.kubetracker.worker.protocol.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;

/**
 * Feeds request bytes through the HTTP port's real connection code ({@link HttpConnection} and the
 * router behind it) without a socket: each call is one connection on an {@link EmbeddedChannel}, whose
 * replies are read and dropped. For the start-up warm-up, over a router of its own.
 */
public final class HttpWarmUpClient {
    private final HttpRequestRouter router;
    private final HttpRequestHead head;
    private final IdleConnections idle = new IdleConnections(Duration.ofSeconds(30).toNanos());

    public HttpWarmUpClient(HttpRequestRouter router, int maxRequestLineLength) {
        this.router = router;
        this.head = new HttpRequestHead(maxRequestLineLength);
    }

    /**
     * One connection from {@code client} that sends {@code requests} (one or more request heads, taken
     * and released) and closes; returns the bytes the connection answered.
     */
    public long connection(InetSocketAddress client, ByteBuf requests) throws Exception {
        FromClient channel = new FromClient(client, new HttpConnection(router, head, idle));
        long replied = 0;
        try {
            channel.register();
            channel.writeInbound(requests);
            for (Object out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
                replied += ((ByteBuf) out).readableBytes();
                ((ByteBuf) out).release();
            }
        } finally {
            channel.finishAndReleaseAll();
        }
        return replied;
    }

    /** An embedded channel that reports a client's address, as an accepted socket does. */
    private static final class FromClient extends EmbeddedChannel {
        private final InetSocketAddress client;

        FromClient(InetSocketAddress client, HttpConnection connection) {
            super(false, false, connection);
            this.client = client;
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return client;
        }
    }
}
