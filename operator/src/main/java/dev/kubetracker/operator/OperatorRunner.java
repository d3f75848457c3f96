package dev.kubetracker.operator;

import dev.kubetracker.operator.model.Tracker;
import dev.kubetracker.operator.reconciler.TrackerReconciler;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Optional;
import org.jboss.logging.Logger;

/** Starts java-operator-sdk with Quarkus's Kubernetes client and registers the Tracker reconciler. */
@ApplicationScoped
public class OperatorRunner {

    /** Where the CRD generator puts the CRD (also committed as crds/ and in the chart). */
    public static final String CRD_RESOURCE = "META-INF/fabric8/trackers.kubetracker.dev-v1.yml";

    private static final Logger LOG = Logger.getLogger(OperatorRunner.class);

    @Inject
    KubernetesClient client;

    @Inject
    OperatorConfig config;

    @Inject
    TrackerReconciler reconciler;

    @Inject
    MeterRegistry registry;

    private volatile Operator operator;
    private volatile boolean stopping;

    void onStart(@Observes StartupEvent event) {
        if (config.applyCrd()) {
            applyCrd(client);
        }
        boolean ssa = config.serverSideApply();
        Operator op = new Operator(o -> {
            o.withKubernetesClient(client)
                    .withCloseClientOnStop(false)
                    .withSSABasedCreateUpdateMatchForDependentResources(ssa)
                    .withUseSSAToPatchPrimaryResource(ssa)
                    .withStopOnInformerErrorDuringStartup(true)
                    // reconcile counts and times on /q/metrics; no per-Tracker meters (bounded by design)
                    .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry));
            leaderElection(config, this::lostLease).ifPresent(o::withLeaderElectionConfiguration);
        });
        op.register(reconciler, o -> config.namespaces().filter(ns -> !ns.isEmpty())
                .ifPresent(ns -> o.settingNamespaces(new HashSet<>(ns))));
        op.start();
        operator = op;
        LOG.infof("kubetracker operator started (namespaces: %s, server-side apply: %s, worker image: %s, leader election: %s)",
                config.namespaces().filter(ns -> !ns.isEmpty()).map(Object::toString).orElse("all"), ssa,
                config.workerImage(), config.leaderElection() ? "Lease " + config.leaseName() : "off");
    }

    /**
     * The Lease to hold before reconciling, when leader election is on. JOSDK would call System.exit when
     * the lease is lost, even while the operator stops; {@code onLostLease} decides instead.
     */
    static Optional<LeaderElectionConfiguration> leaderElection(OperatorConfig config, Runnable onLostLease) {
        if (!config.leaderElection()) {
            return Optional.empty();
        }
        return Optional.of(new LeaderElectionConfiguration(config.leaseName(),
                config.leaseNamespace().filter(ns -> !ns.isBlank()).orElse(null),
                LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
                LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
                LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
                null, new LeaderCallbacks(() -> { }, onLostLease, leader -> { }), false));
    }

    /** Another pod may hold the lease now: stop at once, so that one operator reconciles at a time. */
    private void lostLease() {
        if (!stopping) {
            LOG.error("lost the leader-election Lease; exiting so that only the new leader reconciles");
            Quarkus.asyncExit(1);
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
        Operator op = operator;
        if (op != null) {
            op.stop();
        }
    }

    /** The running operator, once started. */
    public Operator operator() {
        return operator;
    }

    /** Creates or replaces the Tracker CRD from the classpath (tests; Helm installs it on a cluster). */
    public static void applyCrd(KubernetesClient client) {
        try (InputStream in = Tracker.class.getClassLoader().getResourceAsStream(CRD_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(CRD_RESOURCE + " is not on the classpath");
            }
            CustomResourceDefinition crd = client.getKubernetesSerialization().unmarshal(in,
                    CustomResourceDefinition.class);
            client.resource(crd).createOr(existing -> existing.update());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
