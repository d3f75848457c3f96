package dev.kubetracker.worker.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A DNS server on 127.0.0.1 (an ephemeral UDP port) answering A and AAAA questions for the names a test
 * publishes, with a long TTL, so that a client which caches is caught; any other name gets NXDOMAIN, and
 * {@link #failAll} makes every answer SERVFAIL.
 */
public final class LoopbackDns implements AutoCloseable {
    /** A day: far longer than any test, so that a cached answer would outlive the change a test makes. */
    private static final int TTL_SECONDS = 86_400;

    private final EventLoopGroup loop = new NioEventLoopGroup(1);
    private final Map<String, List<InetAddress>> names = new ConcurrentHashMap<>();
    private final AtomicInteger questions = new AtomicInteger();
    private final Channel channel;
    private volatile boolean failing;

    public LoopbackDns() throws InterruptedException {
        try {
            channel = new Bootstrap().group(loop).channel(NioDatagramChannel.class)
                    .handler(new ChannelInitializer<NioDatagramChannel>() {
                        @Override
                        protected void initChannel(NioDatagramChannel ch) {
                            ch.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(),
                                    new Answerer());
                        }
                    })
                    .bind("127.0.0.1", 0).sync().channel();
        } catch (RuntimeException | InterruptedException e) {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** {@code name} (fully qualified, without the final dot) now has exactly these addresses (literals). */
    public void publish(String name, String... literals) throws UnknownHostException {
        List<InetAddress> addresses = new ArrayList<>();
        for (String literal : literals) {
            addresses.add(InetAddress.getByName(literal));
        }
        names.put(name.toLowerCase(Locale.ROOT), List.copyOf(addresses));
    }

    /** With {@code true}, every question gets SERVFAIL, as from a resolver that lost its upstream. */
    public void failAll(boolean fail) {
        failing = fail;
    }

    /** Questions answered so far. */
    public int questions() {
        return questions.get();
    }

    private final class Answerer extends SimpleChannelInboundHandler<DatagramDnsQuery> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query) {
            questions.incrementAndGet();
            DatagramDnsResponse response = new DatagramDnsResponse(query.recipient(), query.sender(), query.id());
            response.setRecursionAvailable(true);
            DnsQuestion question = (DnsQuestion) query.recordAt(DnsSection.QUESTION);
            response.addRecord(DnsSection.QUESTION, question);
            String name = question.name().toLowerCase(Locale.ROOT);
            List<InetAddress> addresses = names.get(name.endsWith(".") ? name.substring(0, name.length() - 1) : name);
            if (failing) {
                response.setCode(DnsResponseCode.SERVFAIL);
            } else if (addresses == null) {
                response.setCode(DnsResponseCode.NXDOMAIN);
            } else {
                for (InetAddress a : addresses) {
                    boolean wanted = question.type() == DnsRecordType.A ? a instanceof Inet4Address
                            : question.type() == DnsRecordType.AAAA && a instanceof Inet6Address;
                    if (wanted) {
                        response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(question.name(), question.type(),
                                TTL_SECONDS, Unpooled.wrappedBuffer(a.getAddress())));
                    }
                }
            }
            ctx.writeAndFlush(response);
        }
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
