package dev.kubetracker.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.kubetracker.operator.SampleTrackers.READY;
import static dev.kubetracker.operator.SampleTrackers.READY_BUT_DEGRADED;
import static dev.kubetracker.operator.SampleTrackers.ROLLING_UPDATE;
import static dev.kubetracker.operator.SampleTrackers.tracker;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * examples/gitops/tracker-health.lua, run by Debian's Lua 5.4 as Argo CD runs it (the resource as the
 * global {@code obj}, the script returning {@code {status, message}}), over sample Trackers.
 */
class ArgoCdHealthCheckTest {

    static final Path SCRIPT = Repo.root().resolve("examples/gitops/tracker-health.lua");
    static final String LUA = "lua5.4";

    record Health(String status, String message) {
    }

    @BeforeAll
    static void luaIsInstalled() {
        boolean onPath = false;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            onPath |= Files.isExecutable(Path.of(dir, LUA));
        }
        Prerequisites.require(onPath, LUA + " is not installed: apt-get install lua5.4");
    }

    static Health health(String trackerYaml) throws IOException, InterruptedException {
        JsonNode tracker = CrdSchema.YAML.readTree(trackerYaml);
        String harness = "obj = " + LuaLiteral.of(tracker) + "\n"
                + "local hs = dofile(" + LuaLiteral.string(SCRIPT.toString()) + ")\n"
                + "io.write(hs.status, '\\n', hs.message)\n";
        Process lua = new ProcessBuilder(LUA, "-").redirectErrorStream(true).start();
        try {
            lua.getOutputStream().write(harness.getBytes(StandardCharsets.UTF_8));
            lua.getOutputStream().close();
            String out = new String(lua.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(lua.waitFor(30, TimeUnit.SECONDS), "lua5.4 did not exit");
            assertEquals(0, lua.exitValue(), out);
            String[] lines = out.split("\n", 2);
            assertEquals(2, lines.length, out);
            return new Health(lines[0], lines[1]);
        } finally {
            lua.destroyForcibly();
        }
    }

    @Test
    void readyAtTheCurrentGenerationIsHealthy() throws Exception {
        assertEquals(new Health("Healthy", "3 of 3 workers ready"), health(tracker(4, READY)));
    }

    @Test
    void readyForAnOlderGenerationIsProgressing() throws Exception {
        Health health = health(tracker(5, READY));
        assertEquals("Progressing", health.status());
        assertTrue(health.message().contains("generation 5"), health.message());
    }

    @Test
    void aTrackerWithoutStatusIsProgressing() throws Exception {
        assertEquals("Progressing", health(tracker(1, "")).status());
        assertEquals("Progressing", health(tracker(1, "status:\n  observedGeneration: 1\n")).status());
    }

    @Test
    void aRollingUpdateIsProgressingAndSaysWhy() throws Exception {
        Health health = health(tracker(6, ROLLING_UPDATE));
        assertEquals(new Health("Progressing", "RollingUpdate: updating worker tracker-1"), health);
    }

    @Test
    void degradedIsDegradedEvenWhileTheWorkersAreReady() throws Exception {
        Health health = health(tracker(4, READY_BUT_DEGRADED));
        assertEquals(new Health("Degraded", "AccessListMissing: ConfigMap tracker-whitelist not found"), health);
    }

    @Test
    void argoCdConfigMapEmbedsTheScriptVerbatim() throws IOException {
        JsonNode cm = CrdSchema.YAML.readTree(Repo.root().resolve("examples/gitops/argocd-cm.yaml").toFile());
        assertEquals(Files.readString(SCRIPT),
                cm.at("/data/resource.customizations.health.kubetracker.dev_Tracker").asText());
    }
}
