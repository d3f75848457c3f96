package dev.kubetracker.worker.cluster;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddressStreamProvider;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.resolver.dns.NoopAuthoritativeDnsServerCache;
import io.netty.resolver.dns.NoopDnsCache;
import io.netty.resolver.dns.NoopDnsCnameCache;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Looks names up with Netty's DNS resolver on a thread of its own, asking the name servers every time.
 * The JDK's {@link InetAddress} keeps an answer 30 s whatever its TTL (a policy read once per JVM), so a
 * sibling restarted with a new address would be missed that long; this resolver keeps nothing, and the
 * refresh interval alone says how old the siblings may be. Name servers, search domains, {@code ndots},
 * timeout and attempts come from {@code /etc/resolv.conf} (a headless Service's short name works as in
 * any pod); {@code /etc/hosts} is read first. A and AAAA records are both asked for.
 */
public final class DnsLookup implements HostLookup {
    /** Beyond what resolv.conf's timeouts allow for a few search domains: only a lost resolver gets here. */
    private static final long LOOKUP_LIMIT_SECONDS = 60;

    private final EventLoopGroup loop;
    private final DnsNameResolver resolver;

    DnsLookup(DnsServerAddressStreamProvider servers, List<String> searchDomains, int ndots) {
        this.loop = new NioEventLoopGroup(1, new DefaultThreadFactory("cluster-dns", true));
        DnsNameResolverBuilder builder = new DnsNameResolverBuilder(loop.next())
                .datagramChannelType(NioDatagramChannel.class)
                .nameServerProvider(servers)
                .resolveCache(NoopDnsCache.INSTANCE)
                .cnameCache(NoopDnsCnameCache.INSTANCE)
                .authoritativeDnsServerCache(NoopAuthoritativeDnsServerCache.INSTANCE);
        if (searchDomains != null) {
            builder.searchDomains(searchDomains).ndots(ndots);
        }
        this.resolver = builder.build();
    }

    /** The name servers, search domains and options of {@code /etc/resolv.conf}. */
    public static DnsLookup fromResolvConf() {
        return new DnsLookup(DnsServerAddressStreamProviders.platformDefault(), null, 0);
    }

    @Override
    public List<InetAddress> addresses(String host) throws UnknownHostException {
        Future<List<InetAddress>> lookup = resolver.resolveAll(host);
        try {
            if (!lookup.await(LOOKUP_LIMIT_SECONDS, TimeUnit.SECONDS)) {
                lookup.cancel(false);
                throw new UnknownHostException(host + ": no answer within " + LOOKUP_LIMIT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            lookup.cancel(false);
            throw new UnknownHostException(host + ": interrupted");
        }
        if (!lookup.isSuccess()) {
            Throwable cause = lookup.cause();
            if (cause instanceof UnknownHostException unknown) {
                throw unknown;
            }
            UnknownHostException e = new UnknownHostException(host + ": " + cause);
            e.initCause(cause);
            throw e;
        }
        List<InetAddress> found = lookup.getNow();
        if (found == null || found.isEmpty()) {
            throw new UnknownHostException(host + ": no addresses");
        }
        return List.copyOf(found);
    }

    @Override
    public void close() {
        resolver.close();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
