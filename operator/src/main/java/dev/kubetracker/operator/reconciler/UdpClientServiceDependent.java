package dev.kubetracker.operator.reconciler;

import dev.kubetracker.operator.model.Tracker;
import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/** Split mode's UDP client Service ({@link TrackerResources#udpClientService}); deleted in Mixed mode. */
@KubernetesDependent(informer = @Informer(labelSelector = TrackerResources.MANAGED_SELECTOR))
public class UdpClientServiceDependent extends CRUDKubernetesDependentResource<Service, Tracker> {

    public UdpClientServiceDependent() {
        super(Service.class);
    }

    @Override
    protected Service desired(Tracker primary, Context<Tracker> context) {
        return TrackerResources.udpClientService(primary);
    }

    public static class Wanted implements Condition<Service, Tracker> {
        @Override
        public boolean isMet(DependentResource<Service, Tracker> dependentResource, Tracker primary,
                Context<Tracker> context) {
            return TrackerResources.isSplit(primary.getSpec());
        }
    }
}
