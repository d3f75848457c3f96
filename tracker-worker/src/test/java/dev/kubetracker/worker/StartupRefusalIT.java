package dev.kubetracker.worker;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.worker.testing.FreePorts;
import dev.kubetracker.worker.testing.WorkerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The packaged worker refuses to start on a bad setting: it exits non-zero, and what it prints when it
 * gives up names the key to fix. An integration test (it runs after {@code package}): each case is a
 * real {@code java -jar} on free loopback ports, bounded in time.
 */
class StartupRefusalIT {
    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    private static final Path DIR = Path.of("target", "it-startup-refusal").toAbsolutePath();
    private static final long EXIT_TIMEOUT_SECONDS = 20;

    @BeforeAll
    static void prepareFiles() throws IOException {
        assertTrue(Files.isRegularFile(JAR), JAR + " is missing: integration tests run after `package`");
        Files.createDirectories(DIR);
        Files.write(DIR.resolve("empty.key"), new byte[0]);
        Files.write(DIR.resolve("short-cluster.key"), "fifteen bytes!!".getBytes(StandardCharsets.US_ASCII));
        Files.deleteIfExists(DIR.resolve("missing.key"));
    }

    static Stream<Arguments> refusals() {
        return Stream.concat(refusalsByQuarkusOrTheParts(), refusalsByTheFactory());
    }

    /** Settings that Quarkus' config mapping, or the part they configure, refuses by name. */
    static Stream<Arguments> refusalsByQuarkusOrTheParts() {
        return Stream.of(
                refusal("tracker.peer-timeout", "tracker.peer-timeout", "0S"),
                refusal("tracker.torrent-retention", "tracker.torrent-retention", "30S"),
                refusal("tracker.scrape.max-hashes", "tracker.scrape.max-hashes", "0"),
                refusal("tracker.udp.connection-id.max-age", "tracker.udp.connection-id.max-age", "0S"),
                refusal("tracker.udp.connection-id.key-file", "tracker.udp.connection-id.key-file",
                        DIR.resolve("empty.key").toString()),
                refusal("tracker.access-list.file", "tracker.access-list.mode", "whitelist"),
                refusal("tracker.access-list.file", "tracker.access-list.mode", "blacklist"),
                refusal("tracker.access-list.mode", "tracker.access-list.mode", "grey"),
                refusal("tracker.deniability.probability", "tracker.deniability.probability", "1.5"),
                refusal("tracker.deniability.max-peers", "tracker.deniability.max-peers", "-1"),
                refusal("tracker.deniability.ports", "tracker.deniability.ports", "80-70000"),
                refusal("tracker.deniability.ports", "tracker.deniability.ports", "many"),
                refusal("tracker.cluster.key-file", "tracker.cluster.peers", "127.0.0.1:1"),
                refusal("tracker.cluster.key-file", "tracker.cluster.dns", "localhost"),
                refusal("tracker.store-shards", "tracker.store-shards", "ten"),
                refusal("tracker.udp.transport", "tracker.udp.transport", "fast"));
    }

    /** Settings the parts would refuse without naming a key (or accept): WorkerFactory names them. */
    static Stream<Arguments> refusalsByTheFactory() {
        return Stream.of(
                // SwarmStore: "peer timeout must be 1 to 240 minutes: 300"
                refusal("tracker.peer-timeout", "tracker.peer-timeout", "5H"),
                // SwarmStore: "shard count must be a power of two: 1000"
                refusal("tracker.store-shards", "tracker.store-shards", "1000"),
                refusal("tracker.store-shards", "tracker.store-shards", "0"),
                // ClusterKey: "the cluster key must have at least 16 bytes"
                refusal("tracker.cluster.key", "tracker.cluster.peers", "127.0.0.1:1", "tracker.cluster.key",
                        "fifteen bytes!!"),
                refusal("tracker.cluster.key-file", "tracker.cluster.peers", "127.0.0.1:1",
                        "tracker.cluster.key-file", DIR.resolve("short-cluster.key").toString()),
                // ClusterKey: "the accepted cluster key must be empty or have at least 16 bytes"
                refusal("tracker.cluster.accepted-key-file", "tracker.cluster.peers", "127.0.0.1:1",
                        "tracker.cluster.key", "sixteen bytes or more",
                        "tracker.cluster.accepted-key-file", DIR.resolve("short-cluster.key").toString()),
                // Membership would log "not resolved: port out of range" and start with no siblings
                refusal("tracker.cluster.peers", "tracker.cluster.peers", "127.0.0.1:99999",
                        "tracker.cluster.key", "sixteen bytes or more"),
                // Cidr: "not an IP network: garbage"
                refusal("tracker.trusted-proxies", "tracker.trusted-proxies", "garbage"),
                // ConnectionIds: "connection-id max age must be 1 to 30000 minutes"
                refusal("tracker.udp.connection-id.max-age", "tracker.udp.connection-id.max-age", "30001M"),
                // Files.readAllBytes: "NoSuchFileException: <path>"
                refusal("tracker.udp.connection-id.key-file", "tracker.udp.connection-id.key-file",
                        DIR.resolve("missing.key").toString()),
                // AnnouncePolicy: "need 0 <= min interval <= interval, interval >= 1s"
                refusal("tracker.announce.interval", "tracker.announce.interval", "0S"),
                refusal("tracker.announce.min-interval", "tracker.announce.min-interval", "2H"),
                // AnnouncePolicy: "need 0 <= numwant default <= numwant max, max >= 1"
                refusal("tracker.numwant.default", "tracker.numwant.default", "300"),
                refusal("tracker.numwant.max", "tracker.numwant.max", "0"),
                // would be accepted, and every request then get 414
                refusal("tracker.http.max-request-line-length", "tracker.http.max-request-line-length", "0"),
                // Netty: "port out of range:70000", after the UDP port already listens
                refusal("tracker.http.port", "tracker.http.port", "70000"),
                // NIO: "UnresolvedAddressException" without a message
                refusal("tracker.host", "tracker.host", "no-such-host.invalid"),
                refusal("tracker.store-budget", "tracker.store-budget", "1K"),
                refusal("tracker.shutdown.drain", "tracker.shutdown.drain", "-5S"),
                refusal("tracker.warm-up.requests", "tracker.warm-up.requests", "-1"),
                refusal("tracker.cluster.anti-entropy-interval", "tracker.cluster.peers", "127.0.0.1:1",
                        "tracker.cluster.key", "sixteen bytes or more", "tracker.cluster.anti-entropy-interval", "-1S"),
                // would stop /stats parsers that split on spaces
                refusal("tracker.stats.product-name", "tracker.stats.product-name", "open tracker"),
                // every list would be too large: a whitelist would refuse every torrent
                refusal("tracker.access-list.max-bytes", "tracker.access-list.mode", "blacklist",
                        "tracker.access-list.file", DIR.resolve("empty.key").toString(),
                        "tracker.access-list.max-bytes", "0"));
    }

    /** A case: the key the output must name, then the settings (key, value pairs) that start the worker. */
    private static Arguments refusal(String namedKey, String... settings) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (int i = 0; i < settings.length; i += 2) {
            properties.put(settings[i], settings[i + 1]);
        }
        return Arguments.of(namedKey, properties);
    }

    @ParameterizedTest(name = "{1} refused, naming {0}")
    @MethodSource("refusals")
    void aBadSettingStopsTheWorkerAndNamesTheKey(String namedKey, Map<String, String> settings) throws Exception {
        assertRefusedNaming(namedKey, settings);
    }

    private static void assertRefusedNaming(String namedKey, Map<String, String> settings) throws Exception {
        String name = "refusal-" + String.join("_", settings.keySet()).replaceAll("[^A-Za-z0-9_.-]", "");
        int client = FreePorts.tcpAndUdp();
        Map<String, String> properties = new LinkedHashMap<>(Map.of("quarkus.management.host", "127.0.0.1",
                "tracker.host", "127.0.0.1", "tracker.http.port", Integer.toString(client),
                "tracker.udp.port", Integer.toString(client), "tracker.udp.sockets", "1",
                "tracker.cluster.port", Integer.toString(FreePorts.tcpAndUdp())));
        properties.putAll(settings);
        try (WorkerProcess worker = new WorkerProcess(name, FreePorts.tcp(), properties)) {
            worker.start();
            OptionalInt exit = worker.awaitExit(EXIT_TIMEOUT_SECONDS * 1000);
            String output = Files.readString(worker.log(), StandardCharsets.UTF_8);
            assertTrue(exit.isPresent(), () -> "still running after " + EXIT_TIMEOUT_SECONDS + " s with " + settings + ":\n" + output);
            assertNotEquals(0, exit.getAsInt(), () -> "exit code with " + settings + ":\n" + output);
            String refusal = refusalPart(output);
            assertFalse(refusal.isEmpty(), () -> "no error reported with " + settings + ":\n" + output);
            assertTrue(refusal.contains(namedKey), () -> "the refusal does not name " + namedKey + ":\n" + refusal);
        }
    }

    /** What the worker printed from its first error on: informational lines may name keys too. */
    private static String refusalPart(String output) {
        List<String> lines = output.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.contains(" ERROR ") || line.startsWith("Configuration validation failed")) {
                return String.join("\n", lines.subList(i, lines.size()));
            }
        }
        return "";
    }
}
