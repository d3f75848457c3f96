package dev.kubetracker.operator.reconciler;

import dev.kubetracker.operator.model.Tracker;
import dev.kubetracker.operator.model.TrackerSpec;
import dev.kubetracker.operator.model.TrackerSpec.AccessListMode;
import dev.kubetracker.operator.model.TrackerStatus;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.AggregatedOperatorException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.PrimaryToSecondaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Turns a Tracker into its owned resources (the dependents, reconciled by the managed workflow before
 * {@link #reconcile}) and then writes what it sees into the status. The access-list ConfigMap is
 * watched (never written): its content changes the status, never the pods, which reload it live.
 */
@ApplicationScoped
@ControllerConfiguration(name = TrackerReconciler.NAME)
@Workflow(dependents = {
        @Dependent(name = "keys", type = Dependents.KeysSecret.class),
        @Dependent(name = "workers-service", type = Dependents.HeadlessService.class),
        @Dependent(name = "client-service", type = Dependents.ClientService.class),
        // A reconcile precondition (not an activation condition): when it turns false the resource is deleted.
        @Dependent(name = "udp-client-service", type = UdpClientServiceDependent.class,
                reconcilePrecondition = UdpClientServiceDependent.Wanted.class),
        @Dependent(name = "network-policy", type = NetworkPolicyDependent.class,
                reconcilePrecondition = NetworkPolicyDependent.Wanted.class),
        @Dependent(name = "workers", type = Dependents.Workers.class, dependsOn = {"keys", "workers-service"}),
        @Dependent(name = "disruption-budget", type = Dependents.DisruptionBudget.class),
        @Dependent(name = "service-monitor", type = Dependents.Monitor.class,
                activationCondition = Dependents.MonitorWanted.class)
})
public class TrackerReconciler implements Reconciler<Tracker> {

    public static final String NAME = "tracker";
    static final String ACCESS_LIST_SOURCE = "access-list";
    /** How often a Tracker whose access-list ConfigMap is missing or unlabelled looks for it again. */
    static final Duration ACCESS_LIST_RECHECK = Duration.ofSeconds(30);

    private static final Logger LOG = Logger.getLogger(TrackerReconciler.class);

    private final Clock clock = Clock.systemUTC();

    @Inject
    TrackerEvents events;

    @Inject
    WorkerDigests workerDigests;

    @Override
    public List<EventSource<?, Tracker>> prepareEventSources(EventSourceContext<Tracker> context) {
        InformerEventSourceConfiguration<ConfigMap> config = InformerEventSourceConfiguration
                .from(ConfigMap.class, Tracker.class)
                .withName(ACCESS_LIST_SOURCE)
                // only the labelled ConfigMaps, not every ConfigMap of the watched namespaces
                .withLabelSelector(TrackerResources.ACCESS_LIST_LABEL)
                .withPrimaryToSecondaryMapper((PrimaryToSecondaryMapper<Tracker>) TrackerReconciler::accessListConfigMaps)
                .withSecondaryToPrimaryMapper(cm -> context.getPrimaryCache()
                        .list(cm.getMetadata().getNamespace(),
                                t -> accessListConfigMaps(t).contains(ResourceID.fromResource(cm)))
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
                .build();
        return List.of(new InformerEventSource<>(config, context));
    }

    /** The ConfigMaps a Tracker reads its list from (none when it has no list). */
    static Set<ResourceID> accessListConfigMaps(Tracker t) {
        TrackerSpec.AccessList list = t.getSpec().getAccessList();
        if (list == null || list.getMode() == AccessListMode.OFF) {
            return Set.of();
        }
        return list.sources().stream().map(s -> new ResourceID(s.getName(), t.getMetadata().getNamespace()))
                .collect(Collectors.toSet());
    }

    @Override
    public UpdateControl<Tracker> reconcile(Tracker tracker, Context<Tracker> context) {
        Optional<StatefulSet> workers = context.getSecondaryResources(StatefulSet.class).stream()
                .filter(s -> TrackerResources.statefulSetName(tracker).equals(s.getMetadata().getName()))
                .findFirst();
        Set<String> clientNames = Set.of(TrackerResources.clientServiceName(tracker),
                TrackerResources.udpClientServiceName(tracker));
        List<Service> clients = context.getSecondaryResources(Service.class).stream()
                .filter(s -> clientNames.contains(s.getMetadata().getName()))
                .sorted(java.util.Comparator.comparing(s -> s.getMetadata().getName()))
                .toList();
        Set<ConfigMap> labelled = context.getSecondaryResources(ConfigMap.class);
        List<ConfigMap> lists = new ArrayList<>();
        for (ResourceID id : accessListConfigMaps(tracker)) {
            labelled.stream().filter(cm -> id.equals(ResourceID.fromResource(cm))).findFirst()
                    // not among the labelled ones: one GET tells a missing ConfigMap from an unlabelled one
                    .or(() -> Optional.ofNullable(context.getClient().configMaps()
                            .inNamespace(id.getNamespace().orElseThrow()).withName(id.getName()).get()))
                    .ifPresent(lists::add);
        }
        TrackerStatus status = status(tracker, workers, clients, lists, clock.instant());
        boolean workersBehind = reportWorkersOnList(tracker, status.getAccessList(), context);
        Conditions.newlyTrue(Conditions.DEGRADED, tracker.getStatus(), status)
                .ifPresent(c -> events.degraded(tracker, c.getReason(), c.getMessage()));
        UpdateControl<Tracker> control = Objects.equals(status, tracker.getStatus()) ? UpdateControl.noUpdate()
                : UpdateControl.patchStatus(statusPatch(tracker, status));
        // a ConfigMap created or fixed without the label brings no event: look again now and then
        boolean listUnseen = lists.stream().filter(TrackerResources::isLabelledAccessList).count()
                < accessListConfigMaps(tracker).size();
        // and the workers' loaded lists come from polling, not events: look again until all enforce the newest
        return listUnseen || workersBehind ? control.rescheduleAfter(ACCESS_LIST_RECHECK) : control;
    }

    /**
     * Writes into {@code list} how many ready workers enforce it, from the digests their /q/metrics gave
     * in the last finished poll, and starts the next poll; true while not every ready worker is on it.
     */
    private boolean reportWorkersOnList(Tracker tracker, TrackerStatus.AccessListStatus list, Context<Tracker> context) {
        ResourceID id = ResourceID.fromResource(tracker);
        if (list == null) {
            workerDigests.forget(id);
            return false;
        }
        Map<String, URI> ready = new HashMap<>();
        for (Pod pod : context.getClient().pods().inNamespace(tracker.getMetadata().getNamespace())
                .withLabels(TrackerResources.selectorLabels(tracker)).list().getItems()) {
            if (isReady(pod)) {
                ready.put(pod.getMetadata().getName(), metricsUri(pod.getStatus().getPodIP()));
            }
        }
        workerDigests.refresh(id, ready);
        Map<String, String> loaded = workerDigests.last(id);
        WorkersOnList report = WorkersOnList.of(list.getDigest(),
                ready.keySet().stream().map(loaded::get).toList());
        report.writeTo(list);
        return !report.allOnNewest(ready.size());
    }

    private static boolean isReady(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getPodIP() != null && pod.getStatus().getConditions() != null
                && pod.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    static URI metricsUri(String podIp) {
        String host = podIp.contains(":") ? "[" + podIp + "]" : podIp;
        return URI.create("http://" + host + ":" + TrackerResources.MANAGEMENT_PORT + "/q/metrics");
    }

    /** The status from what the cluster shows; pure, so the tests call it directly. */
    public static TrackerStatus status(Tracker tracker, Optional<StatefulSet> workers, List<Service> clients,
            List<ConfigMap> configMaps, Instant now) {
        TrackerSpec spec = tracker.getSpec();
        TrackerStatus previous = tracker.getStatus();
        Long generation = tracker.getMetadata().getGeneration();
        TrackerStatus status = new TrackerStatus();
        // the generation whose desired state the dependents were just given; Ready and Progressing say
        // how far the StatefulSet has come towards it
        status.setObservedGeneration(generation);
        status.setLabelSelector(TrackerResources.labelSelector(tracker));
        int desired = spec.getReplicas() == null ? 0 : spec.getReplicas();
        WorkersRollout rollout = WorkersRollout.of(workers, desired);
        status.setReplicas(rollout.replicas());
        status.setReadyReplicas(rollout.readyReplicas());
        status.setAnnounceUrls(announceUrls(spec, clients));

        // the access list, counted as the workers read it
        List<String> problems = new ArrayList<>();
        String degradedReason = null;
        AccessListMode mode = spec.getAccessList().getMode();
        if (mode != AccessListMode.OFF) {
            AccessListCheck check = AccessListCheck.of(mode.workerValue(), spec.getAccessList(), configMaps.stream()
                    .collect(Collectors.toMap(cm -> cm.getMetadata().getName(), cm -> cm, (x, y) -> x)));
            degradedReason = check.degradedReason();
            problems.addAll(check.problems());
            status.setAccessList(check.status());
        }

        var conditions = Conditions.copy(previous == null ? null : previous.getConditions());
        var old = previous == null ? null : previous.getConditions();
        int ready = rollout.readyReplicas();
        if (desired == 0) {
            Conditions.set(conditions, old, Conditions.READY, false, "ScaledToZero", "spec.replicas is 0",
                    generation, now);
        } else if (rollout.ready(desired)) {
            String message = ready + " of " + desired + " workers ready";
            if (status.getAnnounceUrls().isEmpty()) {
                message += "; the client Service has no address yet";
            }
            Conditions.set(conditions, old, Conditions.READY, true, "WorkersReady", message, generation, now);
        } else if (rollout.progressing()) {
            Conditions.set(conditions, old, Conditions.READY, false, "RolloutInProgress",
                    ready + " of " + desired + " workers ready; " + rollout.message(), generation, now);
        } else {
            Conditions.set(conditions, old, Conditions.READY, false, "WorkersNotReady",
                    ready + " of " + desired + " workers ready", generation, now);
        }
        Conditions.set(conditions, old, Conditions.PROGRESSING, rollout.progressing(), rollout.reason(),
                rollout.message(), generation, now);
        if (degradedReason != null) {
            Conditions.set(conditions, old, Conditions.DEGRADED, true, degradedReason, String.join("; ", problems),
                    generation, now);
        } else {
            Conditions.set(conditions, old, Conditions.DEGRADED, false, "AsExpected", "no problem found",
                    generation, now);
        }
        LoadBalancerPortErrors.setCondition(conditions, old, clients, generation, now);
        status.setConditions(conditions);
        return status;
    }

    /**
     * http://host:port/announce and udp://host:port/announce for each address of the client Service(s):
     * HTTP where a Service carries TCP, UDP where it carries UDP (two Services in Split mode).
     */
    static List<String> announceUrls(TrackerSpec spec, List<Service> clients) {
        List<String> urls = new ArrayList<>();
        for (Service svc : clients) {
            if (svc.getStatus() == null || svc.getStatus().getLoadBalancer() == null
                    || svc.getStatus().getLoadBalancer().getIngress() == null || svc.getSpec() == null
                    || svc.getSpec().getPorts() == null) {
                continue;
            }
            for (LoadBalancerIngress ingress : svc.getStatus().getLoadBalancer().getIngress()) {
                String host = ingress.getHostname() != null ? ingress.getHostname() : ingress.getIp();
                if (host == null) {
                    continue;
                }
                host = host.contains(":") ? "[" + host + "]" : host;
                for (var port : svc.getSpec().getPorts()) {
                    if ("TCP".equals(port.getProtocol()) && spec.getHttp().getEnabled()) {
                        urls.add("http://" + host + ":" + spec.getHttp().getPort() + "/announce");
                    } else if ("UDP".equals(port.getProtocol()) && spec.getUdp().getEnabled()) {
                        urls.add("udp://" + host + ":" + spec.getUdp().getPort() + "/announce");
                    }
                }
            }
        }
        return urls;
    }

    private static Tracker statusPatch(Tracker tracker, TrackerStatus status) {
        Tracker patch = new Tracker();
        patch.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
                .withName(tracker.getMetadata().getName())
                .withNamespace(tracker.getMetadata().getNamespace())
                .withResourceVersion(tracker.getMetadata().getResourceVersion())
                .withGeneration(tracker.getMetadata().getGeneration())
                .withUid(tracker.getMetadata().getUid())
                .build());
        patch.setSpec(tracker.getSpec());
        patch.setStatus(status);
        return patch;
    }

    /** {@code e} or the first of its causes of that type, looking into the workflow's aggregated exceptions too. */
    static <T extends Exception> Optional<T> causeOfType(Exception e, Class<T> type) {
        List<Throwable> pending = new ArrayList<>(List.of(e));
        for (int seen = 0; !pending.isEmpty() && seen < 32; seen++) {
            Throwable t = pending.remove(0);
            if (type.isInstance(t)) {
                return Optional.of(type.cast(t));
            }
            if (t instanceof AggregatedOperatorException aggregated) {
                pending.addAll(aggregated.getAggregatedExceptions().values());
            }
            if (t.getCause() != null && t.getCause() != t) {
                pending.add(t.getCause());
            }
        }
        return Optional.empty();
    }

    @Override
    public ErrorStatusUpdateControl<Tracker> updateErrorStatus(Tracker tracker, Context<Tracker> context, Exception e) {
        LOG.warnf(e, "reconcile of Tracker %s/%s failed", tracker.getMetadata().getNamespace(),
                tracker.getMetadata().getName());
        TrackerStatus previous = tracker.getStatus();
        TrackerStatus status = previous == null ? new TrackerStatus() : previous;
        var conditions = Conditions.copy(status.getConditions());
        Optional<StatefulSetReplacement.SelectorChangedException> selectorChanged =
                causeOfType(e, StatefulSetReplacement.SelectorChangedException.class);
        String reason = selectorChanged.isPresent() ? "StatefulSetSelectorChanged" : "ReconcileFailed";
        Exception cause = selectorChanged.isPresent() ? selectorChanged.get() : e;
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        Conditions.set(conditions, previous == null ? null : previous.getConditions(), Conditions.DEGRADED, true,
                reason, message.length() > 1024 ? message.substring(0, 1024) : message,
                tracker.getMetadata().getGeneration(), Instant.now());
        status.setConditions(conditions);
        events.reconcileFailed(tracker, reason, message);
        return ErrorStatusUpdateControl.patchStatus(statusPatch(tracker, status));
    }
}
