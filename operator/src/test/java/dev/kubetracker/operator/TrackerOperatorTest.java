package dev.kubetracker.operator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.operator.model.Tracker;
import dev.kubetracker.operator.model.TrackerSpec;
import dev.kubetracker.operator.reconciler.TrackerResources;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The operator against the fabric8 mock API server in CRUD mode (no controllers run there: nothing
 * creates pods, and statuses are set by the tests as the StatefulSet controller or a load balancer
 * would).
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = TrackerOperatorTest.LeaseRules.class)
class TrackerOperatorTest {

    /**
     * Before the operator starts: its leader election first asks the API server (SelfSubjectRulesReview)
     * whether it may use Leases; answer with the rules the chart's leader-election Role grants.
     */
    public static class LeaseRules implements java.util.function.Consumer<KubernetesServer> {
        @Override
        public void accept(KubernetesServer server) {
            var review = new io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder()
                    .withNewMetadata().endMetadata()
                    .withNewSpec().withNamespace("kubetracker-system").endSpec()
                    .withNewStatus().withIncomplete(false)
                    .addNewResourceRule().withApiGroups("coordination.k8s.io").withResources("leases")
                    .withVerbs("create").endResourceRule()
                    .addNewResourceRule().withApiGroups("coordination.k8s.io").withResources("leases")
                    .withResourceNames("kubetracker-operator").withVerbs("get", "update").endResourceRule()
                    .endStatus().build();
            server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
                    .andReturn(201, review).always();
        }
    }

    static final String NS = "trackers";
    static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    KubernetesClient client;

    @KubernetesTestServer
    KubernetesServer server;

    @Inject
    OperatorRunner runner;

    @TestHTTPResource(value = "/metrics", management = true)
    java.net.URL metrics;

    static Tracker tracker(String name) {
        Tracker t = new Tracker();
        t.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
        t.setSpec(new TrackerSpec());
        return t;
    }

    <T extends HasMetadata> T awaitResource(Class<T> type, String name) {
        return awaitValue(() -> client.resources(type).inNamespace(NS).withName(name).get());
    }

    static <T> T awaitValue(Supplier<T> supplier) {
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(supplier::get, Objects::nonNull);
    }

    Tracker get(String name) {
        return client.resources(Tracker.class).inNamespace(NS).withName(name).get();
    }

    static Map<String, String> env(StatefulSet sts) {
        return sts.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    }

    static Optional<Condition> condition(Tracker t, String type) {
        if (t == null || t.getStatus() == null) {
            return Optional.empty();
        }
        return t.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    static void assertOwnedBy(Tracker t, HasMetadata owned) {
        List<OwnerReference> refs = owned.getMetadata().getOwnerReferences();
        assertEquals(1, refs.size(), owned.getKind() + " owner references");
        OwnerReference ref = refs.get(0);
        assertEquals("Tracker", ref.getKind());
        assertEquals("kubetracker.dev/v1alpha1", ref.getApiVersion());
        assertEquals(t.getMetadata().getName(), ref.getName());
        assertEquals(t.getMetadata().getUid(), ref.getUid());
        assertEquals(Boolean.TRUE, ref.getController());
    }

    @Test
    void createMakesEveryOwnedResource() {
        Tracker created = client.resource(tracker("alpha")).create();

        StatefulSet sts = awaitResource(StatefulSet.class, "alpha");
        Service client = awaitResource(Service.class, "alpha");
        Service headless = awaitResource(Service.class, "alpha-workers");
        Secret keys = awaitResource(Secret.class, "alpha-keys");
        PodDisruptionBudget pdb = awaitResource(PodDisruptionBudget.class, "alpha");
        for (HasMetadata owned : List.of(sts, client, headless, keys, pdb)) {
            assertOwnedBy(created, owned);
            assertEquals("kubetracker-operator", owned.getMetadata().getLabels().get("app.kubernetes.io/managed-by"));
        }

        // the StatefulSet
        assertEquals(2, sts.getSpec().getReplicas());
        assertEquals("alpha-workers", sts.getSpec().getServiceName());
        var container = sts.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals("kubetracker/tracker-worker:test", container.getImage());
        Map<String, String> env = env(sts);
        assertEquals("6969", env.get("TRACKER_HTTP_PORT"));
        assertEquals("6969", env.get("TRACKER_UDP_PORT"));
        assertEquals("6970", env.get("TRACKER_CLUSTER_PORT"));
        assertEquals("alpha-workers.trackers.svc.cluster.local", env.get("TRACKER_CLUSTER_DNS"));
        assertEquals("/etc/kubetracker/keys/cluster.key", env.get("TRACKER_CLUSTER_KEY_FILE"));
        assertEquals("/etc/kubetracker/keys/connection-id.key", env.get("TRACKER_UDP_CONNECTION_ID_KEY_FILE"));
        assertEquals("off", env.get("TRACKER_ACCESS_LIST_MODE"));
        assertEquals("/q/health/ready", container.getReadinessProbe().getHttpGet().getPath());
        assertEquals("/q/health/live", container.getLivenessProbe().getHttpGet().getPath());
        assertEquals("management", container.getReadinessProbe().getHttpGet().getPort().getStrVal());
        assertEquals(List.of("http/TCP/6969", "udp/UDP/6969", "sync-udp/UDP/6970", "sync-tcp/TCP/6970",
                        "management/TCP/9000"),
                container.getPorts().stream().map(p -> p.getName() + "/" + p.getProtocol() + "/" + p.getContainerPort())
                        .toList());
        assertNotNull(sts.getSpec().getTemplate().getMetadata().getAnnotations()
                .get(TrackerResources.CONFIG_HASH_ANNOTATION));
        assertEquals("alpha-keys", sts.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getSecret() != null).findFirst().orElseThrow().getSecret().getSecretName());

        // the client Service: TCP and UDP on one port, Local traffic policy, a load balancer
        assertEquals("LoadBalancer", client.getSpec().getType());
        assertEquals("Local", client.getSpec().getExternalTrafficPolicy());
        assertEquals(List.of("http/TCP/6969", "udp/UDP/6969"), ports(client));
        assertEquals(TrackerResources.selectorLabels(created), client.getSpec().getSelector());

        // the headless Service
        assertEquals("None", headless.getSpec().getClusterIP());
        assertEquals(Boolean.TRUE, headless.getSpec().getPublishNotReadyAddresses());
        assertEquals(List.of("sync-udp/UDP/6970", "sync-tcp/TCP/6970", "metrics/TCP/9000"), ports(headless));

        // the keys: two distinct 32-byte keys
        byte[] cluster = Base64.getDecoder().decode(keys.getData().get("cluster.key"));
        byte[] connectionId = Base64.getDecoder().decode(keys.getData().get("connection-id.key"));
        assertEquals(32, cluster.length);
        assertEquals(32, connectionId.length);
        assertFalse(java.util.Arrays.equals(cluster, connectionId));

        // an event says the keys were made
        io.fabric8.kubernetes.api.model.events.v1.Event keysEvent = awaitEvent("alpha", "KeysCreated");
        assertEquals("Normal", keysEvent.getType());
        assertEquals(created.getMetadata().getUid(), keysEvent.getRegarding().getUid());
        assertTrue(keysEvent.getNote().contains("alpha-keys"), keysEvent.getNote());

        // the PodDisruptionBudget
        assertEquals(1, pdb.getSpec().getMaxUnavailable().getIntVal());
        assertEquals(TrackerResources.selectorLabels(created), pdb.getSpec().getSelector().getMatchLabels());

        // no ServiceMonitor unless asked for
        assertNull(client().genericKubernetesResources("monitoring.coreos.com/v1", "ServiceMonitor")
                .inNamespace(NS).withName("alpha").get());

        // the status: selector, replicas, conditions
        Tracker withStatus = awaitValue(() -> {
            Tracker t = get("alpha");
            return t.getStatus() != null && t.getStatus().getObservedGeneration() != null ? t : null;
        });
        assertEquals(TrackerResources.labelSelector(created), withStatus.getStatus().getLabelSelector());
        assertEquals("app.kubernetes.io/name=kubetracker,app.kubernetes.io/instance=alpha",
                withStatus.getStatus().getLabelSelector());
        assertEquals("False", condition(withStatus, "Ready").orElseThrow().getStatus());
        assertEquals("RolloutInProgress", condition(withStatus, "Ready").orElseThrow().getReason());
        assertEquals("True", condition(withStatus, "Progressing").orElseThrow().getStatus());
        assertEquals("False", condition(withStatus, "Degraded").orElseThrow().getStatus());
        assertNotNull(condition(withStatus, "Ready").orElseThrow().getLastTransitionTime());
        assertEquals(withStatus.getMetadata().getGeneration(),
                condition(withStatus, "Ready").orElseThrow().getObservedGeneration());
        assertTrue(withStatus.getStatus().getAnnounceUrls().isEmpty());
    }

    String hash(StatefulSet sts) {
        return sts.getSpec().getTemplate().getMetadata().getAnnotations().get(TrackerResources.CONFIG_HASH_ANNOTATION);
    }

    @Test
    void updatesOfReplicasAndPortsReachTheStatefulSetAndServices() {
        client.resource(tracker("beta")).create();
        StatefulSet before = awaitResource(StatefulSet.class, "beta");
        Secret keysBefore = awaitResource(Secret.class, "beta-keys");

        // replicas alone: the StatefulSet scales, the pods are not rolled
        onConflictRetry(() -> client.resources(Tracker.class).inNamespace(NS).withName("beta").edit(t -> {
            t.getSpec().setReplicas(3);
            return t;
        }));
        StatefulSet scaled = awaitValue(() -> {
            StatefulSet s = client.apps().statefulSets().inNamespace(NS).withName("beta").get();
            return s.getSpec().getReplicas() == 3 ? s : null;
        });
        assertEquals(hash(before), hash(scaled), "a replica change must not roll the pods");

        // ports: env, container ports, both Services follow, and the pods roll
        onConflictRetry(() -> client.resources(Tracker.class).inNamespace(NS).withName("beta").edit(t -> {
            t.getSpec().getHttp().setPort(8080);
            t.getSpec().getUdp().setPort(8081);
            t.getSpec().getSync().setPort(7000);
            return t;
        }));
        StatefulSet moved = awaitValue(() -> {
            StatefulSet s = client.apps().statefulSets().inNamespace(NS).withName("beta").get();
            return "8080".equals(env(s).get("TRACKER_HTTP_PORT")) ? s : null;
        });
        assertEquals("8081", env(moved).get("TRACKER_UDP_PORT"));
        assertEquals("7000", env(moved).get("TRACKER_CLUSTER_PORT"));
        assertEquals(3, moved.getSpec().getReplicas());
        assertFalse(hash(before).equals(hash(moved)), "a port change must roll the pods");
        Service clientService = awaitValue(() -> {
            Service s = client.services().inNamespace(NS).withName("beta").get();
            return ports(s).equals(List.of("http/TCP/8080", "udp/UDP/8081")) ? s : null;
        });
        assertEquals("Local", clientService.getSpec().getExternalTrafficPolicy());
        awaitValue(() -> {
            Service s = client.services().inNamespace(NS).withName("beta-workers").get();
            return ports(s).equals(List.of("sync-udp/UDP/7000", "sync-tcp/TCP/7000", "metrics/TCP/9000")) ? s : null;
        });

        // the keys survived every reconcile
        assertEquals(keysBefore.getData(), client.secrets().inNamespace(NS).withName("beta-keys").get().getData());
    }

    @Test
    void networkPolicyAndSplitServicesFollowTheSpecAndGoWhenTurnedOff() {
        client.resource(tracker("nu")).create();
        NetworkPolicy policy = awaitResource(NetworkPolicy.class, "nu");
        assertOwnedBy(get("nu"), policy);
        assertEquals(3, policy.getSpec().getIngress().size(), "client, sync, management");
        assertNull(client.services().inNamespace(NS).withName("nu-udp").get(), "Mixed mode: one client Service");

        onConflictRetry(() -> client.resources(Tracker.class).inNamespace(NS).withName("nu").edit(t -> {
            t.getSpec().getNetworkPolicy().setEnabled(false);
            t.getSpec().getService().setMode(TrackerSpec.ServiceMode.Split);
            return t;
        }));
        Service udp = awaitResource(Service.class, "nu-udp");
        assertEquals(List.of("udp/UDP/6969"), ports(udp));
        assertOwnedBy(get("nu"), udp);
        // That "nu" loses its UDP port is ClientServicesTest's: the tests run without server-side apply,
        // whose matcher takes a list item missing from desired() for a server default and keeps it.
        awaitValue(() -> client.network().networkPolicies().inNamespace(NS).withName("nu").get() == null
                ? Boolean.TRUE : null);

        onConflictRetry(() -> client.resources(Tracker.class).inNamespace(NS).withName("nu").edit(t -> {
            t.getSpec().getService().setMode(TrackerSpec.ServiceMode.Mixed);
            return t;
        }));
        awaitValue(() -> client.services().inNamespace(NS).withName("nu-udp").get() == null ? Boolean.TRUE : null);
    }

    @Test
    void keysAUserRotatesInTheSecretAreNeverOverwritten() {
        client.resource(tracker("xi")).create();
        awaitResource(Secret.class, "xi-keys");
        String next = Base64.getEncoder().encodeToString("a new cluster key of 32 bytes!!!".getBytes());
        client.secrets().inNamespace(NS).withName("xi-keys").edit(s -> {
            s.getData().put(TrackerResources.CLUSTER_ACCEPTED_KEY, next);
            return s;
        });
        // a spec change makes the operator reconcile (and roll the pods) with the edited Secret in place
        onConflictRetry(() -> client.resources(Tracker.class).inNamespace(NS).withName("xi").edit(t -> {
            t.getSpec().getAnnounce().setInterval("20m");
            return t;
        }));
        StatefulSet rolled = awaitValue(() -> {
            StatefulSet s = client.apps().statefulSets().inNamespace(NS).withName("xi").get();
            return s != null && "20m".equals(env(s).get("TRACKER_ANNOUNCE_INTERVAL")) ? s : null;
        });
        assertEquals(TrackerResources.KEYS_MOUNT + "/" + TrackerResources.CLUSTER_ACCEPTED_KEY,
                env(rolled).get("TRACKER_CLUSTER_ACCEPTED_KEY_FILE"));
        assertEquals(next, client.secrets().inNamespace(NS).withName("xi-keys").get().getData()
                .get(TrackerResources.CLUSTER_ACCEPTED_KEY));
    }

    @Test
    void driftIsRepaired() {
        client.resource(tracker("gamma")).create();
        Service original = awaitResource(Service.class, "gamma");
        awaitResource(StatefulSet.class, "gamma");
        Secret keys = awaitResource(Secret.class, "gamma-keys");

        // a deleted Service comes back
        client.services().inNamespace(NS).withName("gamma").delete();
        Service recreated = awaitValue(() -> {
            Service s = client.services().inNamespace(NS).withName("gamma").get();
            return s != null && !s.getMetadata().getUid().equals(original.getMetadata().getUid()) ? s : null;
        });
        assertEquals(ports(original), ports(recreated));

        // a hand-edited replica count is restored
        onConflictRetry(() -> client.apps().statefulSets().inNamespace(NS).withName("gamma").edit(s -> {
            s.getSpec().setReplicas(7);
            return s;
        }));
        awaitValue(() -> {
            StatefulSet s = client.apps().statefulSets().inNamespace(NS).withName("gamma").get();
            return s.getSpec().getReplicas() == 2 ? s : null;
        });

        // a deleted headless Service comes back too; the Secret is never regenerated while it exists
        client.services().inNamespace(NS).withName("gamma-workers").delete();
        awaitResource(Service.class, "gamma-workers");
        assertEquals(keys.getData(), client.secrets().inNamespace(NS).withName("gamma-keys").get().getData());
    }

    @Test
    void accessListConfigMapDrivesTheStatusNotThePods() {
        Tracker t = tracker("delta");
        t.getSpec().getAccessList().setMode(TrackerSpec.AccessListMode.WHITELIST);
        t.getSpec().getAccessList().setConfigMapName("delta-list");
        t.getSpec().getAccessList().setKey("whitelist.txt");
        client.resource(t).create();

        StatefulSet sts = awaitResource(StatefulSet.class, "delta");
        assertEquals("whitelist", env(sts).get("TRACKER_ACCESS_LIST_MODE"));
        assertEquals("/etc/kubetracker/access-list/whitelist.txt", env(sts).get("TRACKER_ACCESS_LIST_FILE"));
        var volume = sts.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getConfigMap() != null).findFirst().orElseThrow();
        assertEquals("delta-list", volume.getConfigMap().getName());
        assertEquals(Boolean.FALSE, volume.getConfigMap().getOptional(),
                "new pods wait for the list rather than start with an empty one");
        assertTrue(volume.getConfigMap().getItems() == null || volume.getConfigMap().getItems().isEmpty(),
                "the whole ConfigMap is mounted (no items, no subPath), so updates reach the pods");
        assertTrue(sts.getSpec().getTemplate().getSpec().getContainers().get(0).getVolumeMounts().stream()
                .allMatch(m -> m.getSubPath() == null));

        // no ConfigMap: Degraded, AccessListMissing
        Tracker missing = awaitValue(() -> {
            Tracker x = get("delta");
            return condition(x, "Degraded").filter(c -> "True".equals(c.getStatus())).isPresent() ? x : null;
        });
        Condition degraded = condition(missing, "Degraded").orElseThrow();
        assertEquals("AccessListMissing", degraded.getReason());
        assertEquals("Warning", awaitEvent("delta", "AccessListMissing").getType(), "a Degraded transition is an event");
        assertTrue(degraded.getMessage().contains("delta-list"), degraded.getMessage());
        assertNull(missing.getStatus().getAccessList().getEntries());

        // the ConfigMap appears: entries and malformed lines counted, Degraded clears
        String h1 = "0123456789abcdef0123456789abcdef01234567";
        String h2 = "89ABCDEF0123456789ABCDEF0123456789ABCDEF";
        client.resource(new ConfigMapBuilder().withNewMetadata().withName("delta-list").withNamespace(NS)
                .addToLabels(TrackerResources.ACCESS_LIST_LABEL, "true").endMetadata()
                .addToData("whitelist.txt", "# distro ISOs\n" + h1 + "  debian.iso\n\n" + h2 + "\nnot a hash\n")
                .build()).create();
        Tracker counted = awaitValue(() -> {
            Tracker x = get("delta");
            return x.getStatus().getAccessList().getEntries() != null ? x : null;
        });
        assertEquals(2, counted.getStatus().getAccessList().getEntries());
        assertEquals(1, counted.getStatus().getAccessList().getMalformedLines());
        assertEquals("whitelist", counted.getStatus().getAccessList().getMode());
        assertEquals("False", condition(counted, "Degraded").orElseThrow().getStatus());

        // new content: the status follows, the pod template does not change (the workers reload live)
        String hashBefore = hash(client.apps().statefulSets().inNamespace(NS).withName("delta").get());
        client.configMaps().inNamespace(NS).withName("delta-list").edit(cm -> {
            cm.getData().put("whitelist.txt", h1 + "\n");
            return cm;
        });
        awaitValue(() -> {
            Tracker x = get("delta");
            return Integer.valueOf(1).equals(x.getStatus().getAccessList().getEntries()) ? x : null;
        });
        assertEquals(hashBefore, hash(client.apps().statefulSets().inNamespace(NS).withName("delta").get()));

        // the ConfigMap goes away again: Degraded, the StatefulSet stays as it was
        client.configMaps().inNamespace(NS).withName("delta-list").delete();
        awaitValue(() -> {
            Tracker x = get("delta");
            return condition(x, "Degraded").filter(c -> "AccessListMissing".equals(c.getReason())).isPresent() ? x : null;
        });
        assertEquals(hashBefore, hash(client.apps().statefulSets().inNamespace(NS).withName("delta").get()));
    }

    @Test
    void anAccessListWithoutTheLabelIsNamedInDegradedUntilLabelled() {
        String h1 = "0123456789abcdef0123456789abcdef01234567";
        client.resource(new ConfigMapBuilder().withNewMetadata().withName("iota-list").withNamespace(NS).endMetadata()
                .addToData("accesslist", h1 + "\n").build()).create();
        Tracker t = tracker("iota");
        t.getSpec().getAccessList().setMode(TrackerSpec.AccessListMode.BLACKLIST);
        t.getSpec().getAccessList().setConfigMapName("iota-list");
        client.resource(t).create();

        Tracker unlabelled = awaitValue(() -> {
            Tracker x = get("iota");
            return condition(x, "Degraded").filter(c -> "AccessListNotLabelled".equals(c.getReason())).isPresent() ? x : null;
        });
        assertTrue(condition(unlabelled, "Degraded").orElseThrow().getMessage().contains(TrackerResources.ACCESS_LIST_LABEL));
        assertNull(unlabelled.getStatus().getAccessList().getEntries());

        client.configMaps().inNamespace(NS).withName("iota-list").edit(cm -> {
            cm.getMetadata().setLabels(Map.of(TrackerResources.ACCESS_LIST_LABEL, "true"));
            return cm;
        });
        Tracker counted = awaitValue(() -> {
            Tracker x = get("iota");
            return Integer.valueOf(1).equals(x.getStatus().getAccessList().getEntries()) ? x : null;
        });
        assertEquals("False", condition(counted, "Degraded").orElseThrow().getStatus());
    }

    @Test
    void statusFollowsTheWorkersAndTheLoadBalancer() {
        client.resource(tracker("epsilon")).create();
        StatefulSet sts = awaitResource(StatefulSet.class, "epsilon");
        Service svc = awaitResource(Service.class, "epsilon");
        Tracker first = awaitValue(() -> {
            Tracker x = get("epsilon");
            return x.getStatus() != null && x.getStatus().getObservedGeneration() != null ? x : null;
        });
        String notReadySince = condition(first, "Ready").orElseThrow().getLastTransitionTime();

        // as the StatefulSet controller and a cloud load balancer would
        sts.setStatus(new StatefulSetStatusBuilder().withObservedGeneration(sts.getMetadata().getGeneration())
                .withReplicas(2).withReadyReplicas(2).withUpdatedReplicas(2)
                .withCurrentRevision("workers-1").withUpdateRevision("workers-1").build());
        client.apps().statefulSets().inNamespace(NS).resource(sts).updateStatus();
        svc.setStatus(new io.fabric8.kubernetes.api.model.ServiceStatusBuilder().withNewLoadBalancer()
                .withIngress(new LoadBalancerIngressBuilder().withIp("203.0.113.7").build(),
                        new LoadBalancerIngressBuilder().withIp("2001:db8::7").build())
                .endLoadBalancer().build());
        client.services().inNamespace(NS).resource(svc).updateStatus();

        Tracker ready = awaitValue(() -> {
            Tracker x = get("epsilon");
            return condition(x, "Ready").filter(c -> "True".equals(c.getStatus())).isPresent()
                    && x.getStatus().getAnnounceUrls().size() == 4 ? x : null;
        });
        assertEquals(2, ready.getStatus().getReplicas());
        assertEquals(2, ready.getStatus().getReadyReplicas());
        assertEquals(List.of("http://203.0.113.7:6969/announce", "udp://203.0.113.7:6969/announce",
                "http://[2001:db8::7]:6969/announce", "udp://[2001:db8::7]:6969/announce"),
                ready.getStatus().getAnnounceUrls());
        assertEquals("WorkersReady", condition(ready, "Ready").orElseThrow().getReason());
        assertEquals("False", condition(ready, "Progressing").orElseThrow().getStatus());
        assertEquals(ready.getMetadata().getGeneration(), ready.getStatus().getObservedGeneration());
        assertNotNull(notReadySince);
    }

    @Test
    void serviceMonitorWhenAskedForAndItsCrdExists() {
        client.apiextensions().v1().customResourceDefinitions().resource(
                new io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder()
                        .withNewMetadata().withName("servicemonitors.monitoring.coreos.com").endMetadata()
                        .withNewSpec().withGroup("monitoring.coreos.com").withScope("Namespaced")
                        .withNewNames().withKind("ServiceMonitor").withPlural("servicemonitors")
                        .withSingular("servicemonitor").endNames()
                        .addNewVersion().withName("v1").withServed(true).withStorage(true)
                        .withNewSchema().withNewOpenAPIV3Schema().withType("object")
                        .withXKubernetesPreserveUnknownFields(true).endOpenAPIV3Schema().endSchema()
                        .endVersion().endSpec().build())
                .create();
        Tracker t = tracker("zeta");
        t.getSpec().getMetrics().setServiceMonitor(true);
        t.getSpec().getMetrics().setInterval("15s");
        t.getSpec().getMetrics().setLabels(Map.of("release", "prometheus"));
        Tracker created = client.resource(t).create();

        var monitor = awaitResource(io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor.class, "zeta");
        assertOwnedBy(created, monitor);
        assertEquals("prometheus", monitor.getMetadata().getLabels().get("release"));
        var endpoint = monitor.getSpec().getEndpoints().get(0);
        assertEquals("metrics", endpoint.getPort());
        assertEquals("/q/metrics", endpoint.getPath());
        assertEquals("15s", endpoint.getInterval());
        // it selects the headless Service (which has the metrics port), not the client Service
        Service headless = awaitResource(Service.class, "zeta-workers");
        Service clientService = awaitResource(Service.class, "zeta");
        Map<String, String> selector = monitor.getSpec().getSelector().getMatchLabels();
        assertTrue(headless.getMetadata().getLabels().entrySet().containsAll(selector.entrySet()));
        assertFalse(clientService.getMetadata().getLabels().entrySet().containsAll(selector.entrySet()));
    }

    /** The answer of a real API server to an update of a StatefulSet's immutable spec fields. */
    static io.fabric8.kubernetes.api.model.Status immutableFieldsRefusal(String name) {
        String forbidden = "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals',"
                + " 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";
        return new io.fabric8.kubernetes.api.model.StatusBuilder().withApiVersion("v1").withKind("Status")
                .withStatus("Failure").withCode(422).withReason("Invalid")
                .withMessage("StatefulSet.apps \"" + name + "\" is invalid: spec: " + forbidden)
                .withNewDetails().withName(name).withGroup("apps").withKind("StatefulSet")
                .addNewCause().withReason("FieldValueForbidden").withField("spec").withMessage(forbidden).endCause()
                .endDetails().build();
    }

    /** The requests the mock server received since the last call (bounded: it drains what is queued). */
    List<io.fabric8.mockwebserver.http.RecordedRequest> takeRequests() throws InterruptedException {
        List<io.fabric8.mockwebserver.http.RecordedRequest> taken = new ArrayList<>();
        for (int i = 0; i < 1_000_000; i++) {
            var request = server.getKubernetesMockServer().takeRequest(1, TimeUnit.MILLISECONDS);
            if (request == null) {
                break;
            }
            taken.add(request);
        }
        return taken;
    }

    @Test
    void aStatefulSetRefusedForImmutableFieldsIsReplacedWithItsPodsOrphaned() throws InterruptedException {
        client.resource(tracker("eta")).create();
        StatefulSet original = awaitResource(StatefulSet.class, "eta");
        String path = "/apis/apps/v1/namespaces/" + NS + "/statefulsets/eta";
        server.expect().put().withPath(path).andReturn(422, immutableFieldsRefusal("eta")).once();
        takeRequests();

        // as an older operator would have made it: a real API server refuses to update this field
        onConflictRetry(() -> client.apps().statefulSets().inNamespace(NS).withName("eta").edit(s -> {
            s.getSpec().setPodManagementPolicy("OrderedReady");
            return s;
        }));
        StatefulSet replaced = awaitValue(() -> {
            StatefulSet s = client.apps().statefulSets().inNamespace(NS).withName("eta").get();
            return s != null && !s.getMetadata().getUid().equals(original.getMetadata().getUid()) ? s : null;
        });
        assertEquals("Parallel", replaced.getSpec().getPodManagementPolicy());
        assertEquals(original.getSpec().getSelector(), replaced.getSpec().getSelector(), "the new one adopts the pods");
        List<String> deletes = takeRequests().stream()
                .filter(r -> "DELETE".equals(r.getMethod()) && r.getPath().startsWith(path))
                .map(r -> r.getPath() + " " + r.getUtf8Body()).toList();
        assertEquals(1, deletes.size(), deletes.toString());
        assertTrue(deletes.get(0).contains("Orphan"), "the pods keep running: " + deletes);
    }

    @Test
    void aStatefulSetWithAnotherSelectorIsKeptAndTheTrackerSaysWhy() {
        client.resource(tracker("theta")).create();
        StatefulSet original = awaitResource(StatefulSet.class, "theta");
        String path = "/apis/apps/v1/namespaces/" + NS + "/statefulsets/theta";
        server.expect().put().withPath(path).andReturn(422, immutableFieldsRefusal("theta")).always();

        onConflictRetry(() -> client.apps().statefulSets().inNamespace(NS).withName("theta").edit(s -> {
            s.getSpec().getSelector().getMatchLabels().put("app.kubernetes.io/name", "tracker-of-an-older-layout");
            return s;
        }));
        Tracker degraded = awaitValue(() -> {
            Tracker x = get("theta");
            return condition(x, "Degraded").filter(c -> "StatefulSetSelectorChanged".equals(c.getReason())).isPresent()
                    ? x : null;
        });
        Condition condition = condition(degraded, "Degraded").orElseThrow();
        assertEquals("True", condition.getStatus());
        assertTrue(condition.getMessage().contains("Delete the StatefulSet"), condition.getMessage());
        assertEquals(original.getMetadata().getUid(),
                client.apps().statefulSets().inNamespace(NS).withName("theta").get().getMetadata().getUid(),
                "nothing deleted: a new StatefulSet could not adopt the workers");
        // the failed reconcile is an event too
        var event = awaitEvent("theta", "StatefulSetSelectorChanged");
        assertEquals("Warning", event.getType());
        assertEquals("kubetracker.dev/operator", event.getReportingController());
    }

    /** The first events.k8s.io/v1 Event about that Tracker with that reason. */
    io.fabric8.kubernetes.api.model.events.v1.Event awaitEvent(String tracker, String reason) {
        return awaitValue(() -> client.resources(io.fabric8.kubernetes.api.model.events.v1.Event.class).inNamespace(NS)
                .list().getItems().stream()
                .filter(e -> e.getRegarding() != null && tracker.equals(e.getRegarding().getName())
                        && reason.equals(e.getReason()))
                .findFirst().orElse(null));
    }

    @Test
    void theOperatorHoldsItsLeaseBeforeReconciling() {
        var election = runner.operator().getConfigurationService().getLeaderElectionConfiguration().orElseThrow();
        assertEquals("kubetracker-operator", election.getLeaseName());
        assertEquals(Optional.of("kubetracker-system"), election.getLeaseNamespace());
        var lease = awaitValue(() -> client.resources(io.fabric8.kubernetes.api.model.coordination.v1.Lease.class).inNamespace("kubetracker-system").withName("kubetracker-operator").get());
        assertNotNull(lease.getSpec().getHolderIdentity());
        // and it reconciles: the other tests' Trackers get their StatefulSets only through the leader
    }

    @Test
    void reconcileMetricsAreOnTheManagementPort() throws Exception {
        client.resource(tracker("kappa")).create();
        awaitResource(StatefulSet.class, "kappa");
        var http = java.net.http.HttpClient.newHttpClient();
        var request = java.net.http.HttpRequest.newBuilder(metrics.toURI()).build();
        String[] last = {""};
        String text;
        try {
            text = awaitValue(() -> {
            try {
                last[0] = http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            } catch (java.io.IOException e) {
                last[0] = metrics + ": " + e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return last[0].contains("operator_sdk_reconciliations_started_total") ? last[0] : null;
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("no JOSDK meters at " + metrics + ": "
                    + last[0].lines().filter(l -> !l.startsWith("#")).limit(30).toList(), e);
        }
        assertTrue(text.contains("operator_sdk_reconciliations_success_total"), "JOSDK's Micrometer meters");
        assertFalse(text.contains("name=\"kappa\""), "no per-Tracker series: bounded whatever the Trackers");
    }

    KubernetesClient client() {
        return client;
    }

    static List<String> ports(Service service) {
        return service.getSpec().getPorts().stream()
                .map((ServicePort p) -> p.getName() + "/" + p.getProtocol() + "/" + p.getPort()).toList();
    }

    /**
     * Runs an edit again when the API server answers 409 Conflict (the operator wrote the object in
     * between, as a real API server reports it), as kubectl and GitOps tools do; a few tries at most.
     */
    private static void onConflictRetry(Runnable edit) {
        for (int attempt = 1; ; attempt++) {
            try {
                edit.run();
                return;
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == 5) {
                    throw e;
                }
            }
        }
    }
}
