package dev.kubetracker.operator.reconciler;

import dev.kubetracker.operator.model.Tracker;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/** The workers' NetworkPolicy ({@link WorkerNetworkPolicy}); deleted when the Tracker turns it off. */
@KubernetesDependent(informer = @Informer(labelSelector = TrackerResources.MANAGED_SELECTOR))
public class NetworkPolicyDependent extends CRUDKubernetesDependentResource<NetworkPolicy, Tracker> {

    public NetworkPolicyDependent() {
        super(NetworkPolicy.class);
    }

    @Override
    protected NetworkPolicy desired(Tracker primary, Context<Tracker> context) {
        return WorkerNetworkPolicy.desired(primary, Dependents.settings());
    }

    public static class Wanted implements Condition<NetworkPolicy, Tracker> {
        @Override
        public boolean isMet(DependentResource<NetworkPolicy, Tracker> dependentResource, Tracker primary,
                Context<Tracker> context) {
            return Boolean.TRUE.equals(primary.getSpec().getNetworkPolicy().getEnabled());
        }
    }
}
