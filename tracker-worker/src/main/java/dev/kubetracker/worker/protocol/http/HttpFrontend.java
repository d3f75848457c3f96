package dev.kubetracker.worker.protocol.http;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The HTTP client port: one Vert.x HTTP server per event loop, all on the same port (Vert.x spreads
 * connections over them), each with its own {@link HttpTracker}.
 */
public final class HttpFrontend {
    private static final Logger LOG = Logger.getLogger(HttpFrontend.class);

    private final Vertx vertx;
    private final String deploymentId;

    private HttpFrontend(Vertx vertx, String deploymentId) {
        this.vertx = vertx;
        this.deploymentId = deploymentId;
    }

    /** Options shared by every instance: limits that protect the tracker from slow or oversized clients. */
    public record Settings(String host, int port, int instances, int maxRequestLineLength, Duration idleTimeout) {
    }

    public static HttpFrontend deploy(Vertx vertx, Settings settings,
                                      Function<io.vertx.core.Context, HttpTracker> trackers) throws Exception {
        int[] boundPort = {settings.port()};
        String id = vertx.deployVerticle(() -> new AbstractVerticle() {
            private HttpServer server;

            @Override
            public void start(Promise<Void> started) {
                HttpServerOptions options = new HttpServerOptions()
                        .setHost(settings.host())
                        .setPort(settings.port())
                        .setMaxInitialLineLength(settings.maxRequestLineLength())
                        .setMaxHeaderSize(8192)
                        .setIdleTimeout((int) settings.idleTimeout().toSeconds())
                        .setIdleTimeoutUnit(TimeUnit.SECONDS)
                        .setCompressionSupported(false)
                        .setTcpNoDelay(true)
                        .setHttp2ClearTextEnabled(false); // trackers speak HTTP/1.x: skip h2c detection per connection
                // No SO_REUSEPORT: Vert.x already spreads one listening socket over its event loops, and
                // another process on the same port must be an error, not a silent split of the clients.
                HttpTracker tracker = trackers.apply(context);
                server = vertx.createHttpServer(options)
                        .connectionHandler(connection -> tracker.onConnection())
                        .invalidRequestHandler(request -> {
                            tracker.onInvalidRequest(request);
                            io.vertx.core.http.HttpServerRequest.DEFAULT_INVALID_REQUEST_HANDLER.handle(request);
                        })
                        .requestHandler(tracker);
                server.listen().onSuccess(s -> {
                    boundPort[0] = s.actualPort();
                    started.complete();
                }).onFailure(started::fail);
            }
        }, new DeploymentOptions().setInstances(settings.instances()))
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        LOG.infof("HTTP tracker listening on [%s]:%d (%d event loop%s)", settings.host(), boundPort[0],
                settings.instances(), settings.instances() == 1 ? "" : "s");
        return new HttpFrontend(vertx, id);
    }

    public void close() {
        try {
            vertx.undeploy(deploymentId).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("HTTP frontend did not stop cleanly", e);
        }
    }
}
