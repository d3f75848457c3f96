package dev.kubetracker.operator.reconciler;

import dev.kubetracker.operator.OperatorSettings;
import dev.kubetracker.operator.model.Tracker;
import dev.kubetracker.operator.model.TrackerSpec;
import dev.kubetracker.operator.model.TrackerSpec.AccessListMode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.VolumeProjectionBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitorBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a Tracker owns, as pure functions of the Tracker (and the operator's settings): the dependents'
 * {@code desired()} call these, and so do the tests.
 *
 * <p>The pods are configured only through the worker's {@code tracker.*} keys, as environment
 * variables (TrackerConfig in tracker-worker is the contract).
 */
public final class TrackerResources {

    public static final String MANAGED_BY = "kubetracker-operator";
    /** Label selector of every informer on owned resources: only what this operator made. */
    public static final String MANAGED_SELECTOR = "app.kubernetes.io/managed-by=" + MANAGED_BY;
    /**
     * Label of the access-list ConfigMaps: the operator watches only ConfigMaps that have it, so that it
     * does not cache every ConfigMap of the namespaces it watches.
     */
    public static final String ACCESS_LIST_LABEL = "kubetracker.dev/access-list";
    /** Pod-template annotation: hash of the rendered pod spec, so a spec change rolls the pods. */
    public static final String CONFIG_HASH_ANNOTATION = "kubetracker.dev/config-hash";

    public static final String CONTAINER_NAME = "tracker";
    public static final int MANAGEMENT_PORT = TrackerSpec.MANAGEMENT_PORT;
    public static final String KEYS_MOUNT = "/etc/kubetracker/keys";
    public static final String ACCESS_LIST_MOUNT = "/etc/kubetracker/access-list";
    public static final String CLUSTER_KEY = "cluster.key";
    public static final String CONNECTION_ID_KEY = "connection-id.key";
    /** Keys of the Secret that exist only while a key rotation runs: accepted, never used to sign. */
    public static final String CLUSTER_ACCEPTED_KEY = "cluster-accepted.key";
    public static final String CONNECTION_ID_ACCEPTED_KEY = "connection-id-accepted.key";
    /** Time the pod gets after the drain to close its ports and exit before the kubelet kills it. */
    public static final long SHUTDOWN_MARGIN_SECONDS = 15;
    /** Bytes of each generated key (the worker needs at least 16 for the cluster key). */
    public static final int KEY_BYTES = 32;

    private TrackerResources() {
    }

    // ---- names and labels ----

    public static String statefulSetName(Tracker t) {
        return t.getMetadata().getName();
    }

    public static String clientServiceName(Tracker t) {
        return t.getMetadata().getName();
    }

    public static String udpClientServiceName(Tracker t) {
        return t.getMetadata().getName() + "-udp";
    }

    public static String networkPolicyName(Tracker t) {
        return t.getMetadata().getName();
    }

    public static String headlessServiceName(Tracker t) {
        return t.getMetadata().getName() + "-workers";
    }

    public static String secretName(Tracker t) {
        return t.getMetadata().getName() + "-keys";
    }

    public static String pdbName(Tracker t) {
        return t.getMetadata().getName();
    }

    public static String serviceMonitorName(Tracker t) {
        return t.getMetadata().getName();
    }

    /** The labels that select the worker pods (immutable once the StatefulSet exists). */
    public static Map<String, String> selectorLabels(Tracker t) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", "kubetracker");
        labels.put("app.kubernetes.io/instance", t.getMetadata().getName());
        return labels;
    }

    /** {@code status.labelSelector}: the selector as a string, for the scale subresource. */
    public static String labelSelector(Tracker t) {
        return selectorLabels(t).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
    }

    public static Map<String, String> labels(Tracker t, String component) {
        Map<String, String> labels = selectorLabels(t);
        labels.put("app.kubernetes.io/component", component);
        labels.put("app.kubernetes.io/managed-by", MANAGED_BY);
        return labels;
    }

    static ObjectMeta meta(Tracker t, String name, String component) {
        return new ObjectMetaBuilder().withName(name).withNamespace(t.getMetadata().getNamespace())
                .withLabels(labels(t, component))
                .withOwnerReferences(ownerReference(t))
                .build();
    }

    /** The Tracker as controller of what it owns: deleted with it, and {@code kubectl} shows who made it. */
    public static OwnerReference ownerReference(Tracker t) {
        return new OwnerReferenceBuilder().withApiVersion(t.getApiVersion()).withKind(t.getKind())
                .withName(t.getMetadata().getName()).withUid(t.getMetadata().getUid())
                .withController(true).withBlockOwnerDeletion(true).build();
    }

    /** Whether the operator's ConfigMap informer sees this ConfigMap (its selector is the label's existence). */
    /**
     * One ConfigMap as it is (a Tracker that names one keeps the pod template it had), or several
     * projected into one directory, each key at {@code <configmap>/<key>} so that equal key names in two
     * ConfigMaps do not collide. A projected volume is swapped through {@code ..data} all the same.
     */
    static Volume accessListVolume(TrackerSpec.AccessList list) {
        if (!list.spansSeveralKeys()) {
            return new VolumeBuilder().withName("access-list").withNewConfigMap()
                    .withName(list.getConfigMapName()).withOptional(false).endConfigMap().build();
        }
        List<VolumeProjection> projections = new ArrayList<>();
        for (TrackerSpec.ConfigMapKeys source : list.sources()) {
            List<KeyToPath> items = source.keysOrDefault().stream()
                    .map(key -> new KeyToPath(key, null, source.getName() + "/" + key)).toList();
            projections.add(new VolumeProjectionBuilder().withNewConfigMap().withName(source.getName())
                    .withItems(items).withOptional(false).endConfigMap().build());
        }
        return new VolumeBuilder().withName("access-list").withNewProjected().withSources(projections)
                .endProjected().build();
    }

    public static boolean isLabelledAccessList(io.fabric8.kubernetes.api.model.ConfigMap configMap) {
        Map<String, String> labels = configMap.getMetadata().getLabels();
        return labels != null && labels.containsKey(ACCESS_LIST_LABEL);
    }

    /** The cluster DNS name of the headless Service: every A/AAAA record is a worker. */
    public static String headlessServiceDns(Tracker t, OperatorSettings settings) {
        return headlessServiceName(t) + "." + t.getMetadata().getNamespace() + ".svc." + settings.clusterDomain();
    }

    // ---- the Secret ----

    /** The cluster MAC key and the UDP connection-id key, fresh from a CSPRNG (created once, never updated). */
    public static Secret secret(Tracker t, SecureRandom random) {
        byte[] cluster = new byte[KEY_BYTES];
        byte[] connectionId = new byte[KEY_BYTES];
        random.nextBytes(cluster);
        random.nextBytes(connectionId);
        Map<String, String> data = new LinkedHashMap<>();
        data.put(CLUSTER_KEY, Base64.getEncoder().encodeToString(cluster));
        data.put(CONNECTION_ID_KEY, Base64.getEncoder().encodeToString(connectionId));
        return new SecretBuilder().withMetadata(meta(t, secretName(t), "keys")).withType("Opaque")
                .withImmutable(false).withData(data).build();
    }

    // ---- the Services ----

    /** The headless Service for sync (and metrics): every pod, ready or not, is a sibling. */
    public static Service headlessService(Tracker t) {
        TrackerSpec spec = t.getSpec();
        int sync = spec.getSync().getPort();
        return new ServiceBuilder().withMetadata(meta(t, headlessServiceName(t), "workers"))
                .withNewSpec()
                .withClusterIP("None")
                .withPublishNotReadyAddresses(true)
                .withSelector(selectorLabels(t))
                .withPorts(
                        servicePort("sync-udp", "UDP", sync, "sync-udp"),
                        servicePort("sync-tcp", "TCP", sync, "sync-tcp"),
                        servicePort("metrics", "TCP", MANAGEMENT_PORT, "management"))
                .endSpec().build();
    }

    /**
     * The client Service: HTTP over TCP and UDP on the same port number, through the load balancer; in
     * Split mode only TCP, and {@link #udpClientService} carries UDP.
     */
    public static Service clientService(Tracker t) {
        TrackerSpec spec = t.getSpec();
        List<ServicePort> ports = new ArrayList<>();
        if (spec.getHttp().getEnabled()) {
            ports.add(servicePort("http", "TCP", spec.getHttp().getPort(), "http"));
        }
        if (spec.getUdp().getEnabled() && !isSplit(spec)) {
            ports.add(servicePort("udp", "UDP", spec.getUdp().getPort(), "udp"));
        }
        return loadBalanced(t, clientServiceName(t), ports);
    }

    /** Split mode's second client Service: UDP alone, for load balancers that take one protocol per Service. */
    public static Service udpClientService(Tracker t) {
        TrackerSpec spec = t.getSpec();
        return loadBalanced(t, udpClientServiceName(t),
                List.of(servicePort("udp", "UDP", spec.getUdp().getPort(), "udp")));
    }

    public static boolean isSplit(TrackerSpec spec) {
        return spec.getService().getMode() == TrackerSpec.ServiceMode.Split;
    }

    private static Service loadBalanced(Tracker t, String name, List<ServicePort> ports) {
        TrackerSpec.ServiceSpec svc = t.getSpec().getService();
        ObjectMeta meta = meta(t, name, "client");
        if (svc.getAnnotations() != null && !svc.getAnnotations().isEmpty()) {
            meta.setAnnotations(new LinkedHashMap<>(svc.getAnnotations()));
        }
        Service service = new ServiceBuilder().withMetadata(meta).withNewSpec()
                .withType(svc.getType().name())
                .withSelector(selectorLabels(t))
                .withPorts(ports)
                .endSpec().build();
        if (svc.getType() != TrackerSpec.ServiceType.ClusterIP) {
            service.getSpec().setExternalTrafficPolicy(svc.getExternalTrafficPolicy().name());
        }
        if (svc.getType() == TrackerSpec.ServiceType.LoadBalancer) {
            service.getSpec().setLoadBalancerClass(svc.getLoadBalancerClass());
            service.getSpec().setLoadBalancerIP(svc.getLoadBalancerIP());
        }
        if (svc.getIpFamilyPolicy() != null) {
            service.getSpec().setIpFamilyPolicy(svc.getIpFamilyPolicy().name());
        }
        if (svc.getIpFamilies() != null && !svc.getIpFamilies().isEmpty()) {
            service.getSpec().setIpFamilies(svc.getIpFamilies().stream().map(Enum::name).toList());
        }
        return service;
    }

    private static ServicePort servicePort(String name, String protocol, int port, String targetPort) {
        return new ServicePortBuilder().withName(name).withProtocol(protocol).withPort(port)
                .withTargetPort(new IntOrString(targetPort)).build();
    }

    // ---- the StatefulSet ----

    /** The worker's configuration: {@code tracker.*} keys as environment variables, in a stable order. */
    public static List<EnvVar> env(Tracker t, OperatorSettings settings) {
        TrackerSpec spec = t.getSpec();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("TRACKER_HTTP_PORT", String.valueOf(spec.getHttp().getEnabled() ? spec.getHttp().getPort() : 0));
        env.put("TRACKER_UDP_PORT", String.valueOf(spec.getUdp().getEnabled() ? spec.getUdp().getPort() : 0));
        env.put("TRACKER_ANNOUNCE_INTERVAL", spec.getAnnounce().getInterval());
        if (spec.getAnnounce().getMinInterval() != null) {
            env.put("TRACKER_ANNOUNCE_MIN_INTERVAL", spec.getAnnounce().getMinInterval());
        }
        env.put("TRACKER_PEER_TIMEOUT", spec.getPeerTimeout());
        env.put("TRACKER_NUMWANT_DEFAULT", String.valueOf(spec.getAnnounce().getNumwantDefault()));
        env.put("TRACKER_NUMWANT_MAX", String.valueOf(spec.getAnnounce().getNumwantMax()));
        if (spec.getTrustedProxies() != null && !spec.getTrustedProxies().isEmpty()) {
            env.put("TRACKER_TRUSTED_PROXIES", String.join(",", spec.getTrustedProxies()));
        }
        AccessListMode mode = spec.getAccessList().getMode();
        env.put("TRACKER_ACCESS_LIST_MODE", mode.workerValue());
        if (mode != AccessListMode.OFF) {
            // several ConfigMaps: the worker merges every file under the directory
            env.put("TRACKER_ACCESS_LIST_FILE", spec.getAccessList().spansSeveralKeys() ? ACCESS_LIST_MOUNT
                    : ACCESS_LIST_MOUNT + "/" + spec.getAccessList().getKey());
        }
        TrackerSpec.Deniability deniability = spec.getDeniability();
        if (deniability.getProbability() > 0 && deniability.getMaxPeers() > 0) {
            env.put("TRACKER_DENIABILITY_PROBABILITY", String.valueOf(deniability.getProbability()));
            env.put("TRACKER_DENIABILITY_MAX_PEERS", String.valueOf(deniability.getMaxPeers()));
            env.put("TRACKER_DENIABILITY_PORTS", deniability.getPorts());
        }
        env.put("TRACKER_CLUSTER_PORT", String.valueOf(spec.getSync().getPort()));
        env.put("TRACKER_CLUSTER_DNS", headlessServiceDns(t, settings));
        env.put("TRACKER_CLUSTER_KEY_FILE", KEYS_MOUNT + "/" + CLUSTER_KEY);
        env.put("TRACKER_UDP_CONNECTION_ID_KEY_FILE", KEYS_MOUNT + "/" + CONNECTION_ID_KEY);
        env.put("TRACKER_CLUSTER_ACCEPTED_KEY_FILE", KEYS_MOUNT + "/" + CLUSTER_ACCEPTED_KEY);
        env.put("TRACKER_UDP_CONNECTION_ID_ACCEPTED_KEY_FILE", KEYS_MOUNT + "/" + CONNECTION_ID_ACCEPTED_KEY);
        env.put("TRACKER_SHUTDOWN_DRAIN", spec.getDrain());
        return env.entrySet().stream().map(e -> new EnvVar(e.getKey(), e.getValue(), null)).toList();
    }

    public static StatefulSet statefulSet(Tracker t, OperatorSettings settings) {
        TrackerSpec spec = t.getSpec();
        PodTemplateSpec template = podTemplate(t, settings);
        return new StatefulSetBuilder().withMetadata(meta(t, statefulSetName(t), "workers"))
                .withNewSpec()
                .withReplicas(spec.getReplicas())
                .withServiceName(headlessServiceName(t))
                // Workers are peers that each load a snapshot: no reason to start them one by one, and
                // one stuck pod must not block the others (the field cannot change later).
                .withPodManagementPolicy("Parallel")
                .withNewSelector().withMatchLabels(selectorLabels(t)).endSelector()
                .withNewUpdateStrategy().withType("RollingUpdate").endUpdateStrategy()
                .withTemplate(template)
                .endSpec().build();
    }

    /** The pod template, with the hash of everything else in it as an annotation. */
    public static PodTemplateSpec podTemplate(Tracker t, OperatorSettings settings) {
        TrackerSpec spec = t.getSpec();
        List<ContainerPort> ports = new ArrayList<>();
        if (spec.getHttp().getEnabled()) {
            ports.add(containerPort("http", "TCP", spec.getHttp().getPort()));
        }
        if (spec.getUdp().getEnabled()) {
            ports.add(containerPort("udp", "UDP", spec.getUdp().getPort()));
        }
        ports.add(containerPort("sync-udp", "UDP", spec.getSync().getPort()));
        ports.add(containerPort("sync-tcp", "TCP", spec.getSync().getPort()));
        ports.add(containerPort("management", "TCP", MANAGEMENT_PORT));

        List<VolumeMount> mounts = new ArrayList<>();
        List<Volume> volumes = new ArrayList<>();
        mounts.add(new VolumeMountBuilder().withName("keys").withMountPath(KEYS_MOUNT).withReadOnly(true).build());
        volumes.add(new VolumeBuilder().withName("keys").withNewSecret().withSecretName(secretName(t))
                .withDefaultMode(0440).endSecret().build());
        if (spec.getAccessList().getMode() != AccessListMode.OFF) {
            // The whole ConfigMap as a directory (not a subPath): the kubelet then swaps in new content
            // through the ..data symlink, which the worker watches. Not optional: while the ConfigMap is
            // missing, running workers keep their last list, and new pods wait rather than start with an
            // empty blacklist (serving what was taken down) or an empty whitelist.
            mounts.add(new VolumeMountBuilder().withName("access-list").withMountPath(ACCESS_LIST_MOUNT)
                    .withReadOnly(true).build());
            volumes.add(accessListVolume(spec.getAccessList()));
        }
        mounts.add(new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build());
        volumes.add(new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build());

        Container container = new ContainerBuilder()
                .withName(CONTAINER_NAME)
                .withImage(spec.getImage() != null ? spec.getImage() : settings.workerImage())
                .withImagePullPolicy(spec.getImagePullPolicy() != null ? spec.getImagePullPolicy().name() : null)
                .withEnv(env(t, settings))
                .withPorts(ports)
                .withVolumeMounts(mounts)
                .withResources(spec.getResources() != null ? spec.getResources() : defaultResources())
                // The management port opens only after the start-up snapshot from a sibling, which may try
                // several siblings (tracker.cluster.snapshot-timeout each): give the start six minutes.
                .withStartupProbe(probe("/q/health/live", 5, 72))
                .withReadinessProbe(probe("/q/health/ready", 5, 3))
                .withLivenessProbe(probe("/q/health/live", 10, 6))
                .withNewSecurityContext()
                    .withAllowPrivilegeEscalation(false)
                    .withReadOnlyRootFilesystem(true)
                    .withRunAsNonRoot(true)
                    .withNewCapabilities().withDrop("ALL").endCapabilities()
                .endSecurityContext()
                .build();

        PodTemplateSpec template = new PodTemplateSpecBuilder()
                .withNewMetadata().withLabels(labels(t, "workers")).endMetadata()
                .withNewSpec()
                    .withContainers(container)
                    .withVolumes(volumes)
                    .withNodeSelector(spec.getNodeSelector())
                    .withTolerations(spec.getTolerations())
                    .withAffinity(spec.getAffinity())
                    .withPriorityClassName(spec.getPriorityClassName())
                    .withImagePullSecrets(spec.getImagePullSecrets())
                    .withEnableServiceLinks(false)
                    .withAutomountServiceAccountToken(false) // workers never talk to the API server
                    .withTopologySpreadConstraints(topologySpread(t))
                    // The worker drains by itself on SIGTERM (not ready, still serving), so no preStop hook.
                    .withTerminationGracePeriodSeconds(drainSeconds(spec) + SHUTDOWN_MARGIN_SECONDS)
                    .withNewSecurityContext().withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                    .endSecurityContext()
                .endSpec().build();
        template.getMetadata().setAnnotations(new LinkedHashMap<>(Map.of(CONFIG_HASH_ANNOTATION, hash(template))));
        return template;
    }

    /**
     * The Tracker's own constraints, or by default one worker per node and per zone where possible
     * (with externalTrafficPolicy Local, two workers on one node would share that node's traffic).
     */
    static List<TopologySpreadConstraint> topologySpread(Tracker t) {
        List<TopologySpreadConstraint> own = t.getSpec().getTopologySpreadConstraints();
        if (own != null) {
            return own;
        }
        return List.of(spreadOver(t, "kubernetes.io/hostname"), spreadOver(t, "topology.kubernetes.io/zone"));
    }

    private static TopologySpreadConstraint spreadOver(Tracker t, String topologyKey) {
        return new TopologySpreadConstraintBuilder().withMaxSkew(1).withTopologyKey(topologyKey)
                .withWhenUnsatisfiable("ScheduleAnyway")
                .withNewLabelSelector().withMatchLabels(selectorLabels(t)).endLabelSelector().build();
    }

    /** The drain as seconds: the spec's duration ({@code 15s}, {@code 1m}) as the CRD's pattern allows it. */
    static long drainSeconds(TrackerSpec spec) {
        String drain = spec.getDrain();
        long amount = Long.parseLong(drain.substring(0, drain.length() - 1));
        return switch (drain.charAt(drain.length() - 1)) {
            case 's' -> amount;
            case 'm' -> amount * 60;
            case 'h' -> amount * 3600;
            default -> throw new IllegalArgumentException("not a duration: " + drain);
        };
    }

    /**
     * Without resources the pods would be BestEffort (evicted first), a CPU-based HPA would have nothing
     * to scale on, and the JVM would size its heap from the node's memory: a small, bounded default.
     */
    static io.fabric8.kubernetes.api.model.ResourceRequirements defaultResources() {
        return new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder()
                .addToRequests("cpu", new io.fabric8.kubernetes.api.model.Quantity("250m"))
                .addToRequests("memory", new io.fabric8.kubernetes.api.model.Quantity("512Mi"))
                .addToLimits("memory", new io.fabric8.kubernetes.api.model.Quantity("1Gi"))
                .build();
    }

    private static ContainerPort containerPort(String name, String protocol, int port) {
        return new ContainerPortBuilder().withName(name).withProtocol(protocol).withContainerPort(port).build();
    }

    private static Probe probe(String path, int period, int failures) {
        return new ProbeBuilder().withNewHttpGet().withPath(path).withPort(new IntOrString("management"))
                .withScheme("HTTP").endHttpGet().withPeriodSeconds(period).withTimeoutSeconds(2)
                .withFailureThreshold(failures).build();
    }

    /** SHA-256 (first 16 hex digits) of the template's JSON; the ConfigMap's content is not in it. */
    static String hash(PodTemplateSpec template) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(Serialization.asJson(template).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- PodDisruptionBudget, ServiceMonitor ----

    /** At most one worker down at a time (the others keep every peer). */
    public static PodDisruptionBudget podDisruptionBudget(Tracker t) {
        return new PodDisruptionBudgetBuilder().withMetadata(meta(t, pdbName(t), "workers"))
                .withNewSpec()
                .withMaxUnavailable(new IntOrString(1))
                .withNewSelector().withMatchLabels(selectorLabels(t)).endSelector()
                .endSpec().build();
    }

    /** Prometheus Operator scrape of /q/metrics on the management port, through the headless Service. */
    public static ServiceMonitor serviceMonitor(Tracker t) {
        TrackerSpec.Metrics metrics = t.getSpec().getMetrics();
        ObjectMeta meta = meta(t, serviceMonitorName(t), "metrics");
        if (metrics.getLabels() != null) {
            meta.getLabels().putAll(metrics.getLabels());
        }
        Map<String, String> selector = selectorLabels(t);
        selector.put("app.kubernetes.io/component", "workers");
        return new ServiceMonitorBuilder().withMetadata(meta)
                .withNewSpec()
                .withNewSelector().withMatchLabels(selector).endSelector()
                .addNewEndpoint().withPort("metrics").withPath("/q/metrics").withInterval(metrics.getInterval())
                .endEndpoint()
                .endSpec().build();
    }
}
