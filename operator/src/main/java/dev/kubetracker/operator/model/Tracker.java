package dev.kubetracker.operator.model;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A tracker: a load-balanced StatefulSet of workers that sync their peers. The CRD
 * ({@code crds/trackers.kubetracker.dev-v1.yml}) is generated from this class at build time.
 */
@Group(Tracker.GROUP)
@Version(Tracker.VERSION)
@Kind("Tracker")
@Plural("trackers")
@Singular("tracker")
@ShortNames("trk")
@AdditionalPrinterColumn(name = "Replicas", jsonPath = ".spec.replicas", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Workers", jsonPath = ".status.readyReplicas", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Progressing", jsonPath = ".status.conditions[?(@.type==\"Progressing\")].status", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Announce", jsonPath = ".status.announceUrls[0]", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class Tracker extends CustomResource<TrackerSpec, TrackerStatus> implements Namespaced {

    public static final String GROUP = "kubetracker.dev";
    public static final String VERSION = "v1alpha1";

    @Override
    protected TrackerSpec initSpec() {
        return new TrackerSpec();
    }
}
