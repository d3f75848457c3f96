package dev.kubetracker.operator.reconciler;

import dev.kubetracker.operator.OperatorConfig;
import dev.kubetracker.operator.OperatorSettings;
import dev.kubetracker.operator.model.Tracker;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.CRDPresentActivationCondition;
import io.quarkus.arc.Arc;
import java.security.SecureRandom;

/**
 * The resources a Tracker owns, as java-operator-sdk dependents. Each {@code desired()} is one of
 * {@link TrackerResources}' pure functions; the informers see only what this operator labelled.
 */
public final class Dependents {

    private Dependents() {
    }

    static OperatorSettings settings() {
        return Arc.container().instance(OperatorConfig.class).get().settings();
    }

    static TrackerEvents events() {
        return Arc.container().instance(TrackerEvents.class).get();
    }

    /** The keys: created once from a CSPRNG; no Updater, so a later reconcile never overwrites them. */
    @KubernetesDependent(informer = @Informer(labelSelector = TrackerResources.MANAGED_SELECTOR))
    public static class KeysSecret extends KubernetesDependentResource<Secret, Tracker>
            implements Creator<Secret, Tracker>, GarbageCollected<Tracker> {

        private static final SecureRandom RANDOM = new SecureRandom();

        public KeysSecret() {
            super(Secret.class);
        }

        @Override
        protected Secret desired(Tracker primary, Context<Tracker> context) {
            return TrackerResources.secret(primary, RANDOM);
        }

        @Override
        public Secret create(Secret desired, Tracker primary, Context<Tracker> context) {
            Secret created = super.create(desired, primary, context);
            events().keysCreated(primary);
            return created;
        }

        /** A plain create (POST), never an apply (PATCH): the operator needs no patch on Secrets. */
        @Override
        protected boolean useSSA(Context<Tracker> context) {
            return false;
        }
    }

    @KubernetesDependent(informer = @Informer(labelSelector = TrackerResources.MANAGED_SELECTOR))
    public static class HeadlessService extends CRUDKubernetesDependentResource<Service, Tracker> {
        public HeadlessService() {
            super(Service.class);
        }

        @Override
        protected Service desired(Tracker primary, Context<Tracker> context) {
            return TrackerResources.headlessService(primary);
        }
    }

    @KubernetesDependent(informer = @Informer(labelSelector = TrackerResources.MANAGED_SELECTOR))
    public static class ClientService extends CRUDKubernetesDependentResource<Service, Tracker> {
        public ClientService() {
            super(Service.class);
        }

        @Override
        protected Service desired(Tracker primary, Context<Tracker> context) {
            return TrackerResources.clientService(primary);
        }
    }

    @KubernetesDependent(informer = @Informer(labelSelector = TrackerResources.MANAGED_SELECTOR))
    public static class Workers extends CRUDKubernetesDependentResource<StatefulSet, Tracker> {
        public Workers() {
            super(StatefulSet.class);
        }

        @Override
        protected StatefulSet desired(Tracker primary, Context<Tracker> context) {
            return TrackerResources.statefulSet(primary, settings());
        }

        /** An update the API server refuses for immutable fields replaces the StatefulSet, keeping its pods. */
        @Override
        public StatefulSet update(StatefulSet actual, StatefulSet desired, Tracker primary, Context<Tracker> context) {
            try {
                return super.update(actual, desired, primary, context);
            } catch (KubernetesClientException e) {
                if (!StatefulSetReplacement.refusedAsImmutable(e)) {
                    throw e;
                }
                return StatefulSetReplacement.replace(context.getClient(), actual, desired,
                        () -> create(desired, primary, context));
            }
        }
    }

    @KubernetesDependent(informer = @Informer(labelSelector = TrackerResources.MANAGED_SELECTOR))
    public static class DisruptionBudget extends CRUDKubernetesDependentResource<PodDisruptionBudget, Tracker> {
        public DisruptionBudget() {
            super(PodDisruptionBudget.class);
        }

        @Override
        protected PodDisruptionBudget desired(Tracker primary, Context<Tracker> context) {
            return TrackerResources.podDisruptionBudget(primary);
        }
    }

    @KubernetesDependent(informer = @Informer(labelSelector = TrackerResources.MANAGED_SELECTOR))
    public static class Monitor extends CRUDKubernetesDependentResource<ServiceMonitor, Tracker> {
        public Monitor() {
            super(ServiceMonitor.class);
        }

        @Override
        protected ServiceMonitor desired(Tracker primary, Context<Tracker> context) {
            return TrackerResources.serviceMonitor(primary);
        }
    }

    /** The ServiceMonitor exists when the Tracker asks for it and the Prometheus Operator's CRD is installed. */
    public static class MonitorWanted extends CRDPresentActivationCondition<ServiceMonitor, Tracker> {
        @Override
        public boolean isMet(DependentResource<ServiceMonitor, Tracker> dependentResource, Tracker primary,
                Context<Tracker> context) {
            return Boolean.TRUE.equals(primary.getSpec().getMetrics().getServiceMonitor())
                    && super.isMet(dependentResource, primary, context);
        }
    }
}
