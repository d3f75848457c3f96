package dev.kubetracker.worker.access;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Worker configurations for the access-list socket tests; each prepares its list before the worker starts. */
final class AccessListProfiles {
    static final String REFUSED = "1111111111111111111111111111111111111111";
    static final String LATER_REFUSED = "2222222222222222222222222222222222222222";
    static final String ALLOWED = "3333333333333333333333333333333333333333";

    private AccessListProfiles() {
    }

    static Path freshDirectory(String name) {
        try {
            Path dir = Path.of("target", "access-lists", name).toAbsolutePath();
            if (Files.exists(dir)) {
                try (var walk = Files.walk(dir)) {
                    walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A blacklist mounted as a ConfigMap volume, watched. */
    public static final class BlacklistConfigMap implements QuarkusTestProfile {
        static final Path DIR = Path.of("target", "access-lists", "configmap").toAbsolutePath();

        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                new ConfigMapVolume(freshDirectory("configmap"), "blacklist").publish("# refused\n" + REFUSED + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of("tracker.access-list.mode", "blacklist",
                    "tracker.access-list.file", DIR.resolve("blacklist").toString());
        }
    }

    /** A whitelist in a plain file, watched. */
    public static final class WhitelistFile implements QuarkusTestProfile {
        static final Path FILE = Path.of("target", "access-lists", "plain", "whitelist.txt").toAbsolutePath();

        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                freshDirectory("plain");
                Files.writeString(FILE, ALLOWED + " the only allowed torrent\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of("tracker.access-list.mode", "whitelist", "tracker.access-list.file", FILE.toString());
        }
    }

    /** A whitelist that is not watched: only SIGHUP reloads it. */
    public static final class WhitelistSighup implements QuarkusTestProfile {
        static final Path FILE = Path.of("target", "access-lists", "sighup", "whitelist.txt").toAbsolutePath();

        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                freshDirectory("sighup");
                Files.writeString(FILE, ALLOWED + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of("tracker.access-list.mode", "whitelist", "tracker.access-list.file", FILE.toString(),
                    "tracker.access-list.watch", "false");
        }
    }

    /** A whitelist split over a plain file and a gzipped one in a directory, as several ConfigMaps project it. */
    public static final class WhitelistSplitDirectory implements QuarkusTestProfile {
        static final Path DIR = Path.of("target", "access-lists", "split").toAbsolutePath();

        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                freshDirectory("split");
                Files.writeString(Files.createDirectories(DIR.resolve("plain-configmap")).resolve("accesslist"),
                        ALLOWED + "\n");
                Files.write(Files.createDirectories(DIR.resolve("gzipped-configmap")).resolve("list.gz"),
                        AccessListMergeTest.gzip(LATER_REFUSED + "\n"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of("tracker.access-list.mode", "whitelist", "tracker.access-list.file", DIR.toString());
        }
    }
}
