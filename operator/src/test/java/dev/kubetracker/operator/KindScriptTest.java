package dev.kubetracker.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** scripts/kind-tracker.sh cannot run here (no Kubernetes), but it must at least parse. */
class KindScriptTest {

    @Test
    void theKindScriptParses() throws IOException, InterruptedException {
        Process bash = new ProcessBuilder("bash", "-n", Repo.root().resolve("scripts/kind-tracker.sh").toString())
                .redirectErrorStream(true).start();
        if (!bash.waitFor(30, TimeUnit.SECONDS)) {
            bash.destroyForcibly();
            throw new AssertionError("bash -n did not finish");
        }
        assertEquals(0, bash.exitValue(), new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
