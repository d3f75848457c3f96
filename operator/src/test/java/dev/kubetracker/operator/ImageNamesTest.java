package dev.kubetracker.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The images the Maven build makes, the image the operator gives workers by default and the images
 * the chart installs must be the same names and the same version: the root pom is the one place they
 * are set, and this test fails when any other copy drifts from it.
 */
class ImageNamesTest {
    private static String rootPom() throws IOException {
        return Files.readString(Repo.root().resolve("pom.xml"));
    }

    private static String match(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), "no match for " + regex);
        return m.group(1).trim();
    }

    private static String imagePrefix() throws IOException {
        String pom = rootPom();
        return match(pom, "<quarkus.container-image.registry>([^<]+)<") + "/"
                + match(pom, "<quarkus.container-image.group>([^<]+)<") + "/";
    }

    private static String projectVersion() throws IOException {
        return match(rootPom(), "<artifactId>kubetracker-parent</artifactId>\\s*<version>([^<]+)<");
    }

    @Test
    void theOperatorsDefaultWorkerImageIsTheOneTheBuildMakes() throws IOException {
        String source = Files.readString(Repo.root().resolve(
                "operator/src/main/java/dev/kubetracker/operator/OperatorConfig.java"));
        String workerDefault = match(source, "@WithDefault\\(\"([^\"]+)\"\\)\\s*String workerImage\\(\\)");
        assertEquals(imagePrefix() + "kubetracker-worker:" + projectVersion(), workerDefault);
        assertEquals("${project.version}", match(rootPom(), "<quarkus.container-image.tag>([^<]+)<"));
    }

    @Test
    void theChartInstallsTheImagesTheBuildMakes() throws IOException {
        String chart = Files.readString(Repo.root().resolve("charts/kubetracker/Chart.yaml"));
        String values = Files.readString(Repo.root().resolve("charts/kubetracker/values.yaml"));
        assertEquals(projectVersion(), match(chart, "appVersion:\\s*\"?([^\"\\n]+)\"?"));
        assertEquals(imagePrefix() + "kubetracker-operator", match(values, "image:\\s*\\n\\s*repository:\\s*(\\S+)"));
        assertEquals(imagePrefix() + "kubetracker-worker", match(values, "workerImage:\\s*\\n\\s*repository:\\s*(\\S+)"));
    }

    @Test
    void eachModuleNamesItsImageAsTheChartExpects() throws IOException {
        assertEquals("kubetracker-operator", match(Files.readString(Repo.root().resolve(
                "operator/src/main/resources/application.properties")), "quarkus.container-image.name=(\\S+)"));
        assertEquals("kubetracker-worker", match(Files.readString(Repo.root().resolve(
                "tracker-worker/src/main/resources/application.properties")), "quarkus.container-image.name=(\\S+)"));
    }
}
