package dev.kubetracker.operator;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths in the repository (tests run with the operator module as working directory). */
final class Repo {

    private Repo() {
    }

    static Path root() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("operator")) && Files.isRegularFile(p.resolve("operator/pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("repository root not found above " + here);
    }

    /** The CRD as the generator wrote it in this build. */
    static Path generatedCrd() {
        return root().resolve("operator/target/classes/META-INF/fabric8/trackers.kubetracker.dev-v1.yml");
    }
}
