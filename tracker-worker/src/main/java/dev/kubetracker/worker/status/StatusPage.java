package dev.kubetracker.worker.status;

import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.Properties;

/**
 * The status page on the management port, for people without Grafana: {@code /status} (HTML and its
 * script, charts drawn by uPlot from its webjar, nothing from elsewhere) and {@code /status/data}, the
 * JSON the page polls. The files are read once at start; the data comes from the worker's
 * {@link StatusHistory} once {@link #show} has been called (503 before).
 */
@ApplicationScoped
public class StatusPage {
    public static final String PATH = "/status";
    /** The webjar names its version here; the pom is the one place that version is written. */
    private static final String UPLOT_POM = "META-INF/maven/org.webjars.npm/uplot/pom.properties";

    private volatile StatusReadings readings;
    private volatile StatusHistory history;

    void routes(@Observes ManagementInterface management) {
        Router router = management.router();
        String uplot = "META-INF/resources/webjars/uplot/" + webjarVersion() + "/dist/";
        serve(router, PATH, "status/index.html", "text/html; charset=utf-8");
        serve(router, PATH + "/status.js", "status/status.js", "text/javascript; charset=utf-8");
        serve(router, PATH + "/uPlot.iife.min.js", uplot + "uPlot.iife.min.js", "text/javascript; charset=utf-8");
        serve(router, PATH + "/uPlot.min.css", uplot + "uPlot.min.css", "text/css; charset=utf-8");
        router.get(PATH + "/data").handler(this::data);
    }

    /** Starts answering {@code /status/data} from these. */
    public void show(StatusReadings readings, StatusHistory history) {
        this.readings = readings;
        this.history = history;
    }

    private void data(RoutingContext rc) {
        StatusReadings r = readings;
        StatusHistory h = history;
        rc.response().putHeader("Cache-Control", "no-store");
        if (r == null || h == null) {
            rc.response().setStatusCode(503).putHeader("Content-Type", "text/plain; charset=utf-8")
                    .end("the worker is starting\n");
            return;
        }
        long[] now = new long[StatusReadings.COLUMNS];
        r.read(now);
        StringBuilder json = new StringBuilder(16 * 1024);
        h.writeJson(now, json);
        rc.response().putHeader("Content-Type", "application/json").end(json.toString());
    }

    private static void serve(Router router, String path, String resource, String contentType) {
        Buffer body = Buffer.buffer(read(resource));
        router.get(path).handler(rc -> rc.response().putHeader("Content-Type", contentType)
                .putHeader("Cache-Control", "no-cache").end(body));
    }

    private static String webjarVersion() {
        Properties pom = new Properties();
        try {
            pom.load(new ByteArrayInputStream(read(UPLOT_POM)));
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + UPLOT_POM, e);
        }
        return Objects.requireNonNull(pom.getProperty("version"), "no version in " + UPLOT_POM);
    }

    private static byte[] read(String resource) {
        try (InputStream in = StatusPage.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the status page's file " + resource + " is not on the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + resource, e);
        }
    }
}
