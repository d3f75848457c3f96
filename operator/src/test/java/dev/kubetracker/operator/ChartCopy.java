package dev.kubetracker.operator;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The chart copied under a test's temporary directory, to be changed there (helm-java's lint takes no --set). */
final class ChartCopy {

    private ChartCopy() {
    }

    static Path in(Path temp) throws IOException {
        Path chart = CrdAndChartTest.chart();
        Path copy = temp.resolve("kubetracker");
        try (Stream<Path> files = Files.walk(chart)) {
            for (Path from : (Iterable<Path>) files::iterator) {
                Path to = copy.resolve(chart.relativize(from).toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(from, to);
                }
            }
        }
        return copy;
    }

    /** Replaces the one occurrence of {@code text} in the copy's {@code file}. */
    static void replace(Path copy, String file, String text, String replacement) throws IOException {
        Path path = copy.resolve(file);
        String content = Files.readString(path);
        assertTrue(content.contains(text), file + " does not contain " + text);
        Files.writeString(path, content.replace(text, replacement));
    }
}
