package dev.kubetracker.operator;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/** The operator's own settings, under {@code kubetracker.operator.} (env: {@code KUBETRACKER_OPERATOR_...}). */
@ConfigMapping(prefix = "kubetracker.operator")
public interface OperatorConfig {

    /** Worker image for Trackers that do not set {@code spec.image}. */
    @WithDefault("ghcr.io/kubetracker/kubetracker-worker:0.1.0-SNAPSHOT")
    String workerImage();

    /** The cluster's DNS domain (the headless Service is {@code <name>.<ns>.svc.<domain>}). */
    @WithDefault("cluster.local")
    String clusterDomain();

    /** Namespaces to watch; empty means every namespace. */
    Optional<List<String>> namespaces();

    /**
     * Server-side apply for owned resources and for the status (the default, for real clusters). The
     * fabric8 mock API server of the tests has no server-side apply, so the tests turn it off.
     */
    @WithDefault("true")
    boolean serverSideApply();

    /** Create or replace the CRD from the operator's classpath at start (tests; Helm installs it otherwise). */
    @WithDefault("false")
    boolean applyCrd();

    /**
     * Leader election through a Lease, so that several operator pods can run with one reconciling at a
     * time (the others keep warm caches and take over when its lease runs out).
     */
    @WithDefault("false")
    boolean leaderElection();

    /** Name of the Lease; one per operator installation. */
    @WithDefault("kubetracker-operator")
    String leaseName();

    /** Namespace of the Lease (the operator's own); the client's namespace when unset. */
    Optional<String> leaseNamespace();

    /** The operator's own namespace (the chart sets it), so the workers' NetworkPolicy can admit it. */
    Optional<String> operatorNamespace();

    /**
     * Labels of the operator's own pods as {@code name=value,name=value} (the chart sets them); with
     * {@link #operatorNamespace} the workers' NetworkPolicy admits the operator to their management port,
     * where it reads the access-list digest each worker loaded.
     */
    Optional<String> operatorPodLabels();

    default OperatorSettings settings() {
        return new OperatorSettings(workerImage(), clusterDomain(), operatorNamespace().orElse(null),
                OperatorSettings.parseLabels(operatorPodLabels().orElse("")));
    }
}
