package dev.kubetracker.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's launcher ({@code tracker-worker/kubetracker}) and the container image
 * ({@code quarkus.jib.jvm-arguments}) run the worker with the same JVM flags, except the heap's share
 * of a container's memory limit, which only the image has (a launcher on a bare machine keeps the
 * JVM's default share of the RAM): what the benchmarks measure for one holds for the other.
 */
class LauncherFlagsTest {
    private static final Pattern FLAG = Pattern.compile("(?<=\\s)-(?:XX:|X|D)[^\\s\\\\]+");
    private static final String CONTAINER_ONLY = "-XX:MaxRAMPercentage=";

    @Test
    void launcherAndImageRunTheSameJvmFlagsButTheContainerHeapShare() throws IOException {
        List<String> image = imageFlags();
        List<String> launcher = launcherFlags();

        assertTrue(image.stream().anyMatch(f -> f.startsWith(CONTAINER_ONLY)), "the image sizes its heap by the limit");
        List<String> shared = new ArrayList<>(image);
        shared.removeIf(f -> f.startsWith(CONTAINER_ONLY));
        assertEquals(shared, launcher);
    }

    @Test
    void launcherPassesItsArgumentsAfterItsDefaultsSoTheyWin() throws IOException {
        String script = Files.readString(Path.of("kubetracker"));
        int defaults = script.indexOf("-XX:+Use");
        int arguments = script.indexOf("\"$@\" -jar");
        assertTrue(defaults > 0 && arguments > defaults, "defaults, then JAVA_OPTS and the arguments, then -jar");
        assertFalse(launcherFlags().isEmpty());
    }

    private static List<String> imageFlags() throws IOException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            properties.load(in);
        }
        return Arrays.asList(properties.getProperty("quarkus.jib.jvm-arguments").split(","));
    }

    /** The flags of the launcher's {@code exec} command, in order. */
    private static List<String> launcherFlags() throws IOException {
        String script = Files.readString(Path.of("kubetracker"));
        String exec = script.substring(script.indexOf("exec \""), script.indexOf("${JAVA_OPTS"));
        List<String> flags = new ArrayList<>();
        Matcher m = FLAG.matcher(exec);
        while (m.find()) {
            flags.add(m.group());
        }
        return flags;
    }
}
