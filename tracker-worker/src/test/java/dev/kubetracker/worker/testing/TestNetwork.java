package dev.kubetracker.worker.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A network of Linux network namespaces made for one test: a hub namespace holding a bridge, and one
 * namespace per host with a veth into that bridge, an IPv4 address from a private /24 and an IPv6 ULA
 * address from a /64, both chosen per network so that concurrent runs on one machine never share one.
 *
 * <p>The test JVM reaches the hosts through one more veth, from the root namespace into the bridge: the
 * JVM's own clients (RawHttp, UdpClient) then talk to the hosts' addresses directly, and the only
 * change to the root namespace is that interface and its two connected routes, which go away with the
 * hub. Every namespace's {@code /etc/resolv.conf} (bind-mounted by {@code ip netns exec} from
 * {@code /etc/netns/<name>/}) names the hub's bridge address, where {@link NamespaceDns} answers, and,
 * as a Kubernetes pod's does, a search domain ({@link #SEARCH_DOMAIN}) with {@code ndots:5}, so that a
 * short name is completed with it.
 *
 * <p>Names carry the creating JVM's pid ({@code ktnet-<pid>-<n>-...}; the root veth {@code ktn<pid>x<n>}),
 * so that {@link #create} first removes what a killed earlier run left behind, once its pid is gone.
 * {@link #close} (and a shutdown hook, for a JVM that is stopped) kills every process still running in
 * the namespaces and removes the namespaces, their {@code /etc/netns} directories and the root veth.
 */
public final class TestNetwork implements AutoCloseable {
    /** The domain every namespace's resolv.conf searches: a name published in it resolves by its first label. */
    public static final String SEARCH_DOMAIN = "netns.test";
    private static final String PREFIX = "ktnet-";
    private static final Pattern OURS = Pattern.compile("^" + PREFIX + "(\\d+)-");
    private static final Pattern OUR_ROOT_VETH = Pattern.compile("^\\d+: (ktn(\\d+)x\\d+)@");
    private static final Path NETNS_ETC = Path.of("/etc/netns");
    private static final long PID = ProcessHandle.current().pid();
    private static final AtomicInteger NETWORKS = new AtomicInteger();
    private static final long COMMAND_TIMEOUT_SECONDS = 20;
    private static final int FIRST_HOST = 10;

    /** One namespace on the bridge; {@link #command} runs a program inside it. */
    public record Host(String namespace, String ipv4, String ipv6) {
        /** {@code argv} prefixed with {@code ip netns exec <namespace>}. */
        public List<String> command(String... argv) {
            List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
            command.addAll(Arrays.asList(argv));
            return command;
        }

        /** Runs {@code argv} in this namespace (bounded); its output, or an exception with it on failure. */
        public String run(String... argv) {
            return TestNetwork.run(command(argv));
        }

        /**
         * Drops a random {@code probability} share of the UDP datagrams arriving at {@code port} in this
         * namespace ({@code iptables -m statistic}; this kernel has no netem) until the returned rule is
         * closed.
         */
        public UdpLoss dropUdp(int port, double probability) {
            return new UdpLoss(this, port, probability);
        }
    }

    /** An iptables rule in a host namespace dropping a share of one UDP port's datagrams, until closed. */
    public static final class UdpLoss implements AutoCloseable {
        private final Host host;
        private final List<String> rule;
        private final String match;
        private boolean removed;

        private UdpLoss(Host host, int port, double probability) {
            this.host = host;
            this.rule = List.of("INPUT", "-p", "udp", "--dport", Integer.toString(port), "-m", "statistic",
                    "--mode", "random", "--probability", Double.toString(probability), "-j", "DROP");
            this.match = "dpt:" + port + " statistic mode random";
            iptables("-A", rule);
        }

        /** Datagrams the rule has dropped so far (its iptables packet counter). */
        public long dropped() {
            for (String line : iptables("-L", List.of("INPUT", "-v", "-n", "-x")).lines().toList()) {
                if (line.contains(match)) {
                    return Long.parseLong(line.trim().split("\\s+")[0]);
                }
            }
            throw new IllegalStateException("no rule matching '" + match + "' in " + host.namespace());
        }

        @Override
        public synchronized void close() {
            if (!removed) {
                removed = true;
                iptables("-D", rule);
            }
        }

        private String iptables(String action, List<String> arguments) {
            List<String> argv = new ArrayList<>(List.of("iptables", "-w", "5", action));
            argv.addAll(arguments);
            return host.run(argv.toArray(String[]::new));
        }
    }

    private final String name;
    private final String rootVeth;
    private final int subnet;
    private final Host hub;
    private final List<Host> hosts = new ArrayList<>();
    private final Thread cleanupOnExit = new Thread(this::removeAll, "test-network-cleanup");
    private boolean closed;

    private TestNetwork(int sequence, int subnet) {
        this.name = PREFIX + PID + "-" + sequence;
        this.rootVeth = "ktn" + PID + "x" + sequence;
        this.subnet = subnet;
        this.hub = new Host(name + "-hub", ipv4(1), ipv6(1));
    }

    /**
     * Skips the test (fails it under {@code CI=true}) unless this machine can make namespaces: root,
     * iproute2's {@code ip} and {@code iptables}.
     */
    public static void requireSupport() {
        Prerequisites.require(isRoot(), "network namespace tests need root (ip netns, veth, iptables)");
        Prerequisites.require(onPath("ip"), "`ip` is not installed: apt-get install iproute2");
        Prerequisites.require(onPath("iptables"), "`iptables` is not installed: apt-get install iptables");
    }

    /** A hub with its bridge and the root veth; first removes what dead earlier runs left. */
    public static TestNetwork create() {
        requireSupport();
        removeStale();
        TestNetwork network = new TestNetwork(NETWORKS.incrementAndGet(), freeSubnet());
        Runtime.getRuntime().addShutdownHook(network.cleanupOnExit);
        try {
            network.createHub();
        } catch (RuntimeException e) {
            network.close();
            throw e;
        }
        return network;
    }

    private void createHub() {
        String ns = hub.namespace();
        run("ip", "netns", "add", ns);
        writeResolvConf(ns);
        run("ip", "-n", ns, "link", "set", "lo", "up");
        run("ip", "-n", ns, "link", "add", "br0", "type", "bridge");
        run("ip", "-n", ns, "link", "set", "br0", "up");
        addAddresses(ns, "br0", hub);
        // The test JVM's way in: a veth from the root namespace into the bridge.
        run("ip", "link", "add", rootVeth, "type", "veth", "peer", "name", "root", "netns", ns);
        run("ip", "-n", ns, "link", "set", "root", "master", "br0", "up");
        run("ip", "addr", "add", ipv4(254) + "/24", "dev", rootVeth);
        run("ip", "addr", "add", ipv6(254) + "/64", "dev", rootVeth, "nodad");
        run("ip", "link", "set", rootVeth, "up");
    }

    /** A new host namespace on the bridge, with the next free addresses; its lo is up. */
    public synchronized Host addHost() {
        int index = hosts.size();
        if (FIRST_HOST + index >= 254) {
            throw new IllegalStateException("a test network holds at most " + (254 - FIRST_HOST) + " hosts");
        }
        Host host = new Host(name + "-h" + index, ipv4(FIRST_HOST + index), ipv6(FIRST_HOST + index));
        hosts.add(host);
        String ns = host.namespace();
        run("ip", "netns", "add", ns);
        writeResolvConf(ns);
        run("ip", "-n", ns, "link", "set", "lo", "up");
        String hubSide = "h" + index;
        run("ip", "-n", hub.namespace(), "link", "add", hubSide, "type", "veth", "peer", "name", "eth0", "netns", ns);
        run("ip", "-n", hub.namespace(), "link", "set", hubSide, "master", "br0", "up");
        addAddresses(ns, "eth0", host);
        run("ip", "-n", ns, "link", "set", "eth0", "up");
        return host;
    }

    /** The namespace holding the bridge; its addresses are the bridge's, where a DNS server listens. */
    public Host hub() {
        return hub;
    }

    public synchronized List<Host> hosts() {
        return List.copyOf(hosts);
    }

    private String ipv4(int host) {
        return "10.214." + subnet + "." + host;
    }

    private String ipv6(int host) {
        return "fd6b:7472:d6:" + Integer.toHexString(subnet) + "::" + Integer.toHexString(host);
    }

    private static void addAddresses(String ns, String device, Host host) {
        run("ip", "-n", ns, "addr", "add", host.ipv4() + "/24", "dev", device);
        run("ip", "-n", ns, "addr", "add", host.ipv6() + "/64", "dev", device, "nodad");
    }

    private void writeResolvConf(String ns) {
        try {
            Path dir = Files.createDirectories(NETNS_ETC.resolve(ns));
            Files.writeString(dir.resolve("resolv.conf"), "nameserver " + hub.ipv4() + "\nsearch " + SEARCH_DOMAIN
                    + "\noptions ndots:5 timeout:1 attempts:2\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A /24 in 10.214.0.0/16 that no route of the root namespace covers yet (other runs' networks). */
    private static int freeSubnet() {
        String routes = run("ip", "-4", "route", "show");
        for (int attempt = 0; attempt < 100; attempt++) {
            int candidate = ThreadLocalRandom.current().nextInt(1, 255);
            if (!routes.contains("10.214." + candidate + ".")) {
                return candidate;
            }
        }
        throw new IllegalStateException("no free /24 in 10.214.0.0/16 for a test network");
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        removeAll();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
    }

    private void removeAll() {
        List<String> namespaces = new ArrayList<>();
        for (Host h : hosts()) {
            namespaces.add(h.namespace());
        }
        namespaces.add(hub.namespace());
        RuntimeException first = null;
        for (String ns : namespaces) {
            try {
                removeNamespace(ns);
            } catch (RuntimeException e) {
                first = first == null ? e : first; // remove the others all the same
            }
        }
        runQuietly("ip", "link", "del", rootVeth); // already gone with the hub, unless the hub never came
        if (first != null) {
            throw first;
        }
    }

    /** Kills what still runs in the namespace, then deletes it and its {@code /etc/netns} directory. */
    private static void removeNamespace(String ns) {
        try {
            killProcessesIn(ns);
        } finally {
            runQuietly("ip", "netns", "del", ns);
            deleteTree(NETNS_ETC.resolve(ns));
        }
    }

    private static void killProcessesIn(String ns) {
        String pids = runQuietly("ip", "netns", "pids", ns);
        List<ProcessHandle> running = pids.lines().map(String::trim).filter(s -> s.matches("\\d+"))
                .map(Long::parseLong).map(ProcessHandle::of).flatMap(java.util.Optional::stream).toList();
        running.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : running) {
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("process " + p.pid() + " in " + ns + " still alive 10 s after SIGKILL", e);
            }
        }
    }

    /** Namespaces, root veths and {@code /etc/netns} directories of test networks whose JVM is gone. */
    static void removeStale() {
        List<String> namespaces = new ArrayList<>(runQuietly("ip", "netns", "list").lines()
                .map(line -> line.split(" ")[0]).toList());
        try (Stream<Path> dirs = Files.isDirectory(NETNS_ETC) ? Files.list(NETNS_ETC) : Stream.empty()) {
            dirs.map(p -> p.getFileName().toString()).filter(n -> !namespaces.contains(n)).forEach(namespaces::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String ns : namespaces) {
            Matcher m = OURS.matcher(ns);
            if (m.find() && creatorGone(m.group(1))) {
                removeNamespace(ns);
            }
        }
        for (String line : runQuietly("ip", "-o", "link", "show").lines().toList()) {
            Matcher m = OUR_ROOT_VETH.matcher(line);
            if (m.find() && creatorGone(m.group(2))) {
                runQuietly("ip", "link", "del", m.group(1));
            }
        }
    }

    private static boolean creatorGone(String pid) {
        return ProcessHandle.of(Long.parseLong(pid)).map(p -> !p.isAlive()).orElse(true);
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a command (bounded); its output, or an exception with the output when it fails. */
    public static String run(String... argv) {
        return run(List.of(argv));
    }

    static String run(List<String> argv) {
        Result r = execute(argv);
        if (r.exit != 0) {
            throw new IllegalStateException(String.join(" ", argv) + " exited with " + r.exit + ": " + r.output.strip());
        }
        return r.output;
    }

    private static String runQuietly(String... argv) {
        return outputOf(List.of(argv));
    }

    /** Runs a command (bounded); its output, whatever its exit code. */
    static String outputOf(List<String> argv) {
        return execute(argv).output;
    }

    private record Result(int exit, String output) {
    }

    private static Result execute(List<String> argv) {
        Path output = null;
        try {
            output = Files.createTempFile("ktnet-command", ".out");
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", argv) + " still running after "
                        + COMMAND_TIMEOUT_SECONDS + " s");
            }
            return new Result(p.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", argv), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", argv), e);
        } finally {
            if (output != null) {
                output.toFile().delete();
            }
        }
    }

    static boolean isRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .anyMatch(line -> line.matches("Uid:\\s+0\\s.*"));
        } catch (IOException e) {
            return false;
        }
    }

    static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin";
        return Arrays.stream(path.split(":")).filter(s -> !s.isEmpty())
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }
}
