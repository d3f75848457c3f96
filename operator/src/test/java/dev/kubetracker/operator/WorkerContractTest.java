package dev.kubetracker.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.operator.model.Tracker;
import dev.kubetracker.operator.model.TrackerSpec;
import dev.kubetracker.operator.reconciler.AccessListCount;
import dev.kubetracker.operator.reconciler.TrackerResources;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.io.IOException;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract between operator and worker: the pod the operator renders starts a working worker.
 * The worker jar runs as the container would (its command and args, exactly its environment), with
 * only what a laptop cannot be changed: the headless Service's DNS name becomes localhost, the
 * Secret and ConfigMap mounts become temp directories with the same files, and the ports are moved
 * to free loopback ports. Then it is announced to over HTTP and UDP.
 */
class WorkerContractTest {

    static final String LISTED = "0123456789abcdef0123456789abcdef01234567";
    static final String UNLISTED = "fedcba9876543210fedcba9876543210fedcba98";
    /** Listed in a second ConfigMap, gzipped: the projected directory the worker merges. */
    static final String LISTED_GZIPPED = "00112233445566778899aabbccddeeff00112233";

    @TempDir
    Path tmp;

    Process worker;

    @AfterEach
    void stop() throws InterruptedException {
        if (worker != null && worker.isAlive()) {
            worker.destroy();
            if (!worker.waitFor(20, TimeUnit.SECONDS)) {
                worker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * The packaged worker, provided it was built from the sources as they are: under {@code -pl operator}
     * nothing rebuilds it, and a stale jar would test yesterday's worker.
     */
    static byte[] gzip(String text) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out)) {
            gz.write(text.getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }

    static Path workerJar() throws IOException {
        Path module = Repo.root().resolve("tracker-worker");
        Path jar = module.resolve("target/quarkus-app/quarkus-run.jar");
        String rebuild = "package tracker-worker first (./mvnw -o -pl tracker-worker package -DskipTests; "
                + "./mvnw verify from the root does it)";
        Prerequisites.require(Files.isRegularFile(jar), jar + " is missing: " + rebuild);
        Path newer = newestSource(module);
        Prerequisites.require(Files.getLastModifiedTime(newer).compareTo(Files.getLastModifiedTime(jar)) <= 0,
                jar + " is stale (" + module.relativize(newer) + " is newer): " + rebuild);
        return jar;
    }

    /** The most recently modified of tracker-worker's pom and main sources. */
    static Path newestSource(Path module) throws IOException {
        try (var files = Files.walk(module.resolve("src/main"))) {
            return java.util.stream.Stream.concat(files.filter(Files::isRegularFile), java.util.stream.Stream.of(
                    module.resolve("pom.xml"))).max(java.util.Comparator.comparing(WorkerContractTest::modified))
                    .orElseThrow();
        }
    }

    private static java.nio.file.attribute.FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theRenderedPodRunsAWorkingTracker() throws Exception {
        Path jar = workerJar();

        Tracker t = new Tracker();
        t.setMetadata(new ObjectMetaBuilder().withName("contract").withNamespace("ns").withUid("uid-1").build());
        TrackerSpec spec = new TrackerSpec();
        spec.getAnnounce().setInterval("20m");
        spec.setDrain("10s");
        spec.getAccessList().setMode(TrackerSpec.AccessListMode.WHITELIST);
        spec.getAccessList().setConfigMapName("contract-list");
        spec.getAccessList().setKey("whitelist.txt");
        spec.getAccessList().setConfigMaps(List.of(new TrackerSpec.ConfigMapKeys("contract-more", List.of("more.gz"))));
        t.setSpec(spec);
        var settings = new dev.kubetracker.operator.OperatorSettings("kubetracker/tracker-worker:test", "cluster.local");

        StatefulSet sts = TrackerResources.statefulSet(t, settings);
        Secret secret = TrackerResources.secret(t, new SecureRandom());
        String listText = "# the one allowed torrent\n" + LISTED + "  contract.iso\n";
        Map<String, Map<String, byte[]>> configMaps = Map.of(
                "contract-list", Map.of("whitelist.txt", listText.getBytes(StandardCharsets.US_ASCII)),
                "contract-more", Map.of("more.gz", gzip(LISTED_GZIPPED + "\n")));
        PodSpec pod = sts.getSpec().getTemplate().getSpec();
        assertEquals(1, pod.getContainers().size());
        Container container = pod.getContainers().get(0);
        // the image's entrypoint runs the worker; the operator adds no command or args
        assertTrue(container.getCommand() == null || container.getCommand().isEmpty());
        assertTrue(container.getArgs() == null || container.getArgs().isEmpty());

        // mounts -> temp directories with the same files
        Map<String, Path> mounts = new LinkedHashMap<>();
        for (VolumeMount mount : container.getVolumeMounts()) {
            Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst()
                    .orElseThrow(() -> new AssertionError("no volume " + mount.getName()));
            Path dir = Files.createDirectories(tmp.resolve(mount.getName()));
            if (volume.getSecret() != null) {
                assertEquals(secret.getMetadata().getName(), volume.getSecret().getSecretName());
                for (var e : secret.getData().entrySet()) {
                    Files.write(dir.resolve(e.getKey()), Base64.getDecoder().decode(e.getValue()));
                }
            } else if (volume.getProjected() != null) {
                // as the kubelet projects it: each item at its path under the mount
                for (var source : volume.getProjected().getSources()) {
                    Map<String, byte[]> data = configMaps.get(source.getConfigMap().getName());
                    assertNotNull(data, "unexpected ConfigMap " + source.getConfigMap().getName());
                    for (var item : source.getConfigMap().getItems()) {
                        Path file = dir.resolve(item.getPath());
                        Files.createDirectories(file.getParent());
                        Files.write(file, data.get(item.getKey()));
                    }
                }
            } else {
                assertNotNull(volume.getEmptyDir(), "unexpected volume " + volume.getName());
            }
            mounts.put(mount.getMountPath(), dir);
        }

        // ports -> free loopback ports
        int client = freePort(true);
        int sync = freePort(false);
        int management = freePort(false);
        Map<Integer, Integer> ports = Map.of(6969, client, 6970, sync, TrackerResources.MANAGEMENT_PORT, management);
        String dnsName = "contract-workers.ns.svc.cluster.local";

        Map<String, String> env = new LinkedHashMap<>();
        for (EnvVar var : container.getEnv()) {
            assertNull(var.getValueFrom(), var.getName());
            String value = var.getValue();
            if (value.equals(dnsName)) {
                value = "localhost";
            }
            for (var m : mounts.entrySet()) {
                if (value.equals(m.getKey()) || value.startsWith(m.getKey() + "/")) {
                    value = m.getValue() + value.substring(m.getKey().length());
                    break;
                }
            }
            if (var.getName().endsWith("_PORT") && ports.containsKey(Integer.parseInt(value))) {
                value = String.valueOf(ports.get(Integer.parseInt(value)));
            }
            env.put(var.getName(), value);
        }
        assertEquals("localhost", env.get("TRACKER_CLUSTER_DNS"), "the headless Service's name: " + env);
        assertTrue(Files.isRegularFile(Path.of(env.get("TRACKER_CLUSTER_KEY_FILE"))));
        assertTrue(Files.isRegularFile(Path.of(env.get("TRACKER_UDP_CONNECTION_ID_KEY_FILE"))));
        assertTrue(Files.isDirectory(Path.of(env.get("TRACKER_ACCESS_LIST_FILE"))), "several ConfigMaps: a directory");

        // the management port is the worker's default (9000), not an env var: move it the Quarkus way
        ProcessBuilder pb = new ProcessBuilder(javaBin(), "-jar", jar.toString());
        pb.environment().keySet().removeIf(k -> k.startsWith("TRACKER_") || k.startsWith("QUARKUS_"));
        pb.environment().putAll(env);
        pb.environment().put("QUARKUS_MANAGEMENT_PORT", String.valueOf(management));
        Path log = tmp.resolve("worker.log");
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        worker = pb.start();

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String readyPath = container.getReadinessProbe().getHttpGet().getPath();
        String livePath = container.getLivenessProbe().getHttpGet().getPath();
        awaitStatus(http, "http://127.0.0.1:" + management + readyPath, 200, log);
        assertEquals(200, get(http, "http://127.0.0.1:" + management + livePath).statusCode());

        // HTTP announce: the listed torrent is served with the configured interval (20m, +-10%)
        String ok = get(http, announceUrl(client, LISTED)).body();
        assertFalse(ok.contains("failure reason"), ok);
        long interval = bencodedInt(ok, "interval");
        assertTrue(interval >= 1080 && interval <= 1320, "interval " + interval + " from " + ok);
        // the whitelist (TRACKER_ACCESS_LIST_MODE and _FILE) refuses the other one
        String refused = get(http, announceUrl(client, UNLISTED)).body();
        assertTrue(refused.contains("not authorized"), refused);
        String gzipped = get(http, announceUrl(client, LISTED_GZIPPED)).body();
        assertFalse(gzipped.contains("failure reason"), "the gzipped ConfigMap's hash is served: " + gzipped);
        // the worker's digest of what it loaded is the operator's digest of the ConfigMaps
        String expected = AccessListCount.of(List.of(listText, LISTED_GZIPPED + "\n")).digest();
        String metrics = get(http, "http://127.0.0.1:" + management + "/q/metrics").body();
        assertTrue(metrics.contains("tracker_access_list_info{digest=\"" + expected + "\"} 1.0"), metrics);

        // UDP connect + announce on the same port number
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            udp.setSoTimeout(5000);
            InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), client);
            ByteBuffer connect = ByteBuffer.allocate(16).putLong(0x41727101980L).putInt(0).putInt(77);
            ByteBuffer reply = roundTrip(udp, to, connect.array());
            assertEquals(0, reply.getInt(0), "connect action");
            assertEquals(77, reply.getInt(4));
            long connectionId = reply.getLong(8);
            ByteBuffer announce = ByteBuffer.allocate(98).putLong(connectionId).putInt(1).putInt(78)
                    .put(HexFormat.of().parseHex(LISTED)).put("-KT0001-123456789012".getBytes(StandardCharsets.US_ASCII))
                    .putLong(0).putLong(0).putLong(0).putInt(2).putInt(0).putInt(1234).putInt(-1).putShort((short) 6882);
            ByteBuffer announced = roundTrip(udp, to, announce.array());
            assertEquals(1, announced.getInt(0), "announce action (3 is an error)");
            assertEquals(78, announced.getInt(4));
            int udpInterval = announced.getInt(8);
            assertTrue(udpInterval >= 1080 && udpInterval <= 1320, "udp interval " + udpInterval);
            assertEquals(2, announced.getInt(16), "seeders: the HTTP peer and this one");
        }

        // the sync port (TRACKER_CLUSTER_PORT) takes snapshot connections over TCP
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), sync), 5000);
            assertTrue(s.isConnected());
        }
        String output = Files.readString(log);
        assertTrue(output.contains("whitelist"), output);
        assertFalse(output.contains("Unrecognized configuration key"), output);

        assertDrainsOnSigterm(http, "http://127.0.0.1:" + management + readyPath, client, log);
    }

    /**
     * SIGTERM, as the kubelet sends it: not ready first, still answering announces during the drain
     * (TRACKER_SHUTDOWN_DRAIN), then the client port closed and the process gone.
     */
    void assertDrainsOnSigterm(HttpClient http, String readyUrl, int client, Path log) throws Exception {
        worker.destroy();
        awaitStatus(http, readyUrl, 503, log);
        String during = get(http, announceUrl(client, LISTED)).body();
        assertFalse(during.contains("failure reason"), during);
        assertTrue(worker.isAlive(), "the announce above was answered during the drain");
        assertTrue(worker.waitFor(60, TimeUnit.SECONDS), "the worker exits by itself after the drain:\n"
                + Files.readString(log));
        try (Socket s = new Socket()) {
            assertThrows(ConnectException.class, () -> s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), client), 5000));
        }
        assertTrue(Files.readString(log).contains("draining"), Files.readString(log));
    }

    /**
     * Every variable the operator can set is a key of the worker's TrackerConfig (read from the worker
     * jar itself): a misspelt variable would be ignored silently by the worker.
     */
    @Test
    void everyRenderedVariableIsAWorkerKey() throws Exception {
        Path jar = workerJar();
        Path app = jar.getParent();
        List<java.net.URL> urls = new ArrayList<>();
        for (String dir : List.of("app", "lib/main")) {
            try (var files = Files.list(app.resolve(dir))) {
                for (Path f : files.filter(f -> f.toString().endsWith(".jar")).toList()) {
                    urls.add(f.toUri().toURL());
                }
            }
        }
        java.util.Set<String> keys = new java.util.TreeSet<>();
        try (var loader = new java.net.URLClassLoader(urls.toArray(java.net.URL[]::new), null)) {
            Class<?> config = loader.loadClass("dev.kubetracker.worker.config.TrackerConfig");
            collectKeys(config, "tracker", keys);
        }
        assertTrue(keys.contains("TRACKER_HTTP_PORT") && keys.contains("TRACKER_CLUSTER_KEY_FILE"), keys.toString());

        Tracker t = new Tracker();
        t.setMetadata(new ObjectMetaBuilder().withName("all").withNamespace("ns").build());
        TrackerSpec spec = new TrackerSpec();
        spec.getAnnounce().setMinInterval("10m");
        spec.setTrustedProxies(List.of("10.0.0.0/8"));
        spec.getDeniability().setProbability(0.1);
        spec.getDeniability().setMaxPeers(3);
        spec.getAccessList().setMode(TrackerSpec.AccessListMode.BLACKLIST);
        spec.getAccessList().setConfigMapName("list");
        t.setSpec(spec);
        List<EnvVar> env = TrackerResources.env(t, new dev.kubetracker.operator.OperatorSettings("img", "cluster.local"));
        assertEquals(20, env.size(), env.toString());
        for (EnvVar var : env) {
            assertTrue(keys.contains(var.getName()), var.getName() + " is not a key of the worker: " + keys);
        }
    }

    /** Environment names of a SmallRye @ConfigMapping interface's leaves (kebab-case, @WithName honoured). */
    static void collectKeys(Class<?> type, String prefix, java.util.Set<String> keys) {
        for (java.lang.reflect.Method m : type.getMethods()) {
            if (m.getParameterCount() != 0 || m.isDefault() || java.lang.reflect.Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            String name = m.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
            for (var a : m.getAnnotations()) {
                if (a.annotationType().getName().equals("io.smallrye.config.WithName")) {
                    try {
                        name = (String) a.annotationType().getMethod("value").invoke(a);
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
            String key = prefix + "." + name;
            Class<?> r = m.getReturnType();
            if (r.isInterface() && r.getName().startsWith("dev.kubetracker.")) {
                collectKeys(r, key, keys);
            } else {
                keys.add(key.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_"));
            }
        }
    }

    static String announceUrl(int port, String hexHash) {
        StringBuilder hash = new StringBuilder();
        for (byte b : HexFormat.of().parseHex(hexHash)) {
            hash.append('%').append(String.format("%02X", b & 0xFF));
        }
        return "http://127.0.0.1:" + port + "/announce?info_hash=" + hash
                + "&peer_id=-KT0001-abcdefghijkl&port=6881&uploaded=0&downloaded=0&left=0&compact=1";
    }

    static long bencodedInt(String body, String key) {
        Matcher m = Pattern.compile(key.length() + ":" + key + "i(-?[0-9]+)e").matcher(body);
        assertTrue(m.find(), key + " in " + body);
        return Long.parseLong(m.group(1));
    }

    static ByteBuffer roundTrip(DatagramSocket socket, InetSocketAddress to, byte[] request) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            socket.send(new DatagramPacket(request, request.length, to));
            byte[] buf = new byte[2048];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
                return ByteBuffer.wrap(buf, 0, p.getLength()).slice();
            } catch (java.net.SocketTimeoutException e) {
                last = e;
            }
        }
        throw last;
    }

    static HttpResponse<String> get(HttpClient http, String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.ISO_8859_1));
    }

    void awaitStatus(HttpClient http, String url, int status, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!worker.isAlive()) {
                throw new AssertionError("worker exited with " + worker.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                if (get(http, url).statusCode() == status) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("worker not ready at " + url + ":\n" + Files.readString(log));
    }

    /** A loopback port free now (for TCP, and for UDP too when asked). */
    static int freePort(boolean alsoUdp) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int port = tcp.getLocalPort();
                if (!alsoUdp) {
                    return port;
                }
                try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
                    return port;
                } catch (IOException taken) {
                    // try another
                }
            }
        }
        throw new IOException("no free port");
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
