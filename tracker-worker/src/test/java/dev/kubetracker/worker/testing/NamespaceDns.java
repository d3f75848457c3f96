package dev.kubetracker.worker.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * A DNS server for a {@link TestNetwork}: dnsmasq in the hub namespace, on the bridge's addresses (which
 * every namespace's resolv.conf names), answering only the names the test publishes, from a hosts file
 * it rewrites; one name may have several A and AAAA records, as a Kubernetes headless Service has.
 * Nothing is forwarded upstream; a name in the search domain that is not published is answered
 * NXDOMAIN (so a resolver goes on to its next candidate, as with a Kubernetes cluster domain).
 */
public final class NamespaceDns implements AutoCloseable {
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(10);

    private final TestNetwork.Host hub;
    private final Path hostsFile;
    private final Path log;
    private final Map<String, List<String>> records = new LinkedHashMap<>();
    private final Process dnsmasq;

    private NamespaceDns(TestNetwork network, Path dir) throws IOException {
        this.hub = network.hub();
        this.hostsFile = dir.resolve("dns.hosts");
        this.log = dir.resolve("dnsmasq.log");
        Files.writeString(hostsFile, "");
        List<String> command = hub.command("dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null",
                "--no-resolv", "--no-hosts", "--no-poll", "--local=/" + TestNetwork.SEARCH_DOMAIN + "/", "--addn-hosts=" + hostsFile, "--local-ttl=0",
                "--bind-interfaces", "--listen-address=" + hub.ipv4(), "--listen-address=" + hub.ipv6(),
                "--port=53", "--pid-file=", "--user=root", "--log-facility=-", "--log-queries");
        this.dnsmasq = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Skips the test (fails it under {@code CI=true}) unless dnsmasq is installed. */
    public static void requireSupport() {
        Prerequisites.require(TestNetwork.onPath("dnsmasq"), "dnsmasq is not installed: apt-get install dnsmasq-base");
    }

    /** Starts dnsmasq in the network's hub; its hosts file and log go to {@code dir}. */
    public static NamespaceDns start(TestNetwork network, Path dir) throws Exception {
        requireSupport();
        NamespaceDns dns = new NamespaceDns(network, Files.createDirectories(dir));
        try {
            Await.until("dnsmasq answering in " + network.hub().namespace() + " (see " + dns.log + ")",
                    PUBLISH_TIMEOUT, () -> {
                        if (!dns.dnsmasq.isAlive()) {
                            throw new IllegalStateException("dnsmasq exited with " + dns.dnsmasq.exitValue()
                                    + ": " + Files.readString(dns.log));
                        }
                        return Files.readString(dns.log).contains("read " + dns.hostsFile);
                    });
        } catch (Throwable e) {
            dns.close();
            throw e;
        }
        return dns;
    }

    /**
     * Makes {@code name} resolve to exactly {@code addresses} (IPv4 and IPv6 literals; none removes the
     * name): rewrites the hosts file, has dnsmasq re-read it (SIGHUP) and waits until a lookup from the
     * hub namespace gives the new set.
     */
    public synchronized void publish(String name, List<String> addresses) throws Exception {
        records.put(name, List.copyOf(addresses));
        StringBuilder text = new StringBuilder();
        records.forEach((n, list) -> list.forEach(a -> text.append(a).append(' ').append(n).append('\n')));
        Path next = Files.writeString(hostsFile.resolveSibling(hostsFile.getFileName() + ".next"), text);
        Files.move(next, hostsFile, StandardCopyOption.ATOMIC_MOVE);
        TestNetwork.run("kill", "-HUP", Long.toString(dnsmasq.pid()));
        Set<InetAddress> expected = parsed(addresses);
        Await.until(name + " resolving to " + addresses + " (see " + log + ")", PUBLISH_TIMEOUT,
                () -> parsed(resolve(name)).equals(expected));
    }

    private static Set<InetAddress> parsed(Collection<String> literals) throws UnknownHostException {
        Set<InetAddress> out = new HashSet<>();
        for (String a : literals) {
            out.add(InetAddress.getByName(a));
        }
        return out;
    }

    /**
     * The addresses {@code name} resolves to in the hub namespace, through its resolv.conf, as a worker
     * sees them (as getent prints them: IPv6 compressed).
     */
    public Set<String> resolve(String name) throws IOException {
        String output = TestNetwork.outputOf(hub.command("getent", "ahosts", name)); // exit 2: no such name
        Set<String> found = new TreeSet<>();
        for (String line : output.lines().toList()) {
            String first = line.split("\\s+")[0];
            if (!first.isEmpty()) {
                found.add(first);
            }
        }
        return found;
    }

    /** This run's dnsmasq log (every query, with {@code --log-queries}). */
    public Path log() {
        return log;
    }

    @Override
    public void close() {
        dnsmasq.destroy();
        try {
            if (!dnsmasq.waitFor(10, TimeUnit.SECONDS)) {
                dnsmasq.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
