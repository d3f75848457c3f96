package dev.kubetracker.operator.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.operator.OperatorSettings;
import dev.kubetracker.operator.model.Tracker;
import dev.kubetracker.operator.model.TrackerSpec;
import dev.kubetracker.operator.model.TrackerStatus;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The pure functions behind the dependents' desired() and the status. */
class TrackerResourcesTest {

    static final OperatorSettings SETTINGS = new OperatorSettings("kubetracker/tracker-worker:1", "example.internal");

    static Tracker tracker() {
        Tracker t = new Tracker();
        t.setMetadata(new ObjectMetaBuilder().withName("t").withNamespace("ns").withGeneration(3L).withUid("u").build());
        t.setSpec(new TrackerSpec());
        return t;
    }

    static String hash(Tracker t) {
        return TrackerResources.statefulSet(t, SETTINGS).getSpec().getTemplate().getMetadata().getAnnotations()
                .get(TrackerResources.CONFIG_HASH_ANNOTATION);
    }

    static Map<String, String> env(Tracker t) {
        return TrackerResources.env(t, SETTINGS).stream().collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    }

    @Test
    void workerPodsPullWithTheGivenSecretsMountNoTokenAndStartPatiently() {
        Tracker t = tracker();
        t.getSpec().setImagePullSecrets(java.util.List.of(new io.fabric8.kubernetes.api.model.LocalObjectReference("regcred")));
        var sts = TrackerResources.statefulSet(t, SETTINGS);
        var pod = sts.getSpec().getTemplate().getSpec();
        assertEquals("regcred", pod.getImagePullSecrets().get(0).getName());
        assertEquals(Boolean.FALSE, pod.getAutomountServiceAccountToken());
        assertEquals("Parallel", sts.getSpec().getPodManagementPolicy());
        var startup = pod.getContainers().get(0).getStartupProbe();
        assertTrue(startup.getPeriodSeconds() * startup.getFailureThreshold() >= 300,
                "room for a snapshot from a sibling before liveness applies");
        var resources = pod.getContainers().get(0).getResources();
        assertEquals("512Mi", resources.getRequests().get("memory").toString());
        assertEquals("1Gi", resources.getLimits().get("memory").toString(), "the heap is sized from the limit");
    }

    @Test
    void podTemplateHashFollowsWhatPodsSeeOnly() {
        Tracker t = tracker();
        String base = hash(t);
        assertEquals(base, hash(tracker()), "deterministic");
        t.getSpec().setReplicas(9);
        t.getSpec().getService().setType(TrackerSpec.ServiceType.NodePort);
        t.getSpec().getService().getAnnotations().put("a", "b");
        t.getSpec().getMetrics().setServiceMonitor(true);
        assertEquals(base, hash(t), "replicas, Service and metrics do not roll the pods");
        t.getSpec().getAnnounce().setInterval("20m");
        assertNotEquals(base, hash(t));
        Tracker image = tracker();
        image.getSpec().setImage("other:2");
        assertNotEquals(base, hash(image));
    }

    @Test
    void disabledProtocolsLeaveNoPort() {
        Tracker t = tracker();
        t.getSpec().getHttp().setEnabled(false);
        Service svc = TrackerResources.clientService(t);
        assertEquals(List.of("udp"), svc.getSpec().getPorts().stream().map(p -> p.getName()).toList());
        assertEquals("0", env(t).get("TRACKER_HTTP_PORT"));
        StatefulSet sts = TrackerResources.statefulSet(t, SETTINGS);
        assertFalse(sts.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts().stream()
                .anyMatch(p -> p.getName().equals("http")));
    }

    @Test
    void serviceOptions() {
        Tracker t = tracker();
        t.getSpec().getService().setType(TrackerSpec.ServiceType.ClusterIP);
        assertNull(TrackerResources.clientService(t).getSpec().getExternalTrafficPolicy(),
                "ClusterIP Services take no externalTrafficPolicy");
        t.getSpec().getService().setType(TrackerSpec.ServiceType.LoadBalancer);
        t.getSpec().getService().setLoadBalancerClass("example.com/lb");
        t.getSpec().getService().setIpFamilyPolicy(TrackerSpec.IpFamilyPolicy.PreferDualStack);
        t.getSpec().getService().setIpFamilies(List.of(TrackerSpec.IpFamily.IPv6, TrackerSpec.IpFamily.IPv4));
        t.getSpec().getService().setAnnotations(Map.of("lb/type", "nlb"));
        Service svc = TrackerResources.clientService(t);
        assertEquals("Local", svc.getSpec().getExternalTrafficPolicy());
        assertEquals("example.com/lb", svc.getSpec().getLoadBalancerClass());
        assertEquals("PreferDualStack", svc.getSpec().getIpFamilyPolicy());
        assertEquals(List.of("IPv6", "IPv4"), svc.getSpec().getIpFamilies());
        assertEquals("nlb", svc.getMetadata().getAnnotations().get("lb/type"));
    }

    @Test
    void severalAccessListConfigMapsAreProjectedIntoOneDirectoryTheWorkerReads() {
        Tracker t = tracker();
        t.getSpec().getAccessList().setMode(TrackerSpec.AccessListMode.WHITELIST);
        t.getSpec().getAccessList().setConfigMapName("legacy");
        assertEquals("/etc/kubetracker/access-list/accesslist", env(t).get("TRACKER_ACCESS_LIST_FILE"),
                "one ConfigMap: the pod template it always had");
        t.getSpec().getAccessList().setConfigMaps(List.of(new TrackerSpec.ConfigMapKeys("part-1", null),
                new TrackerSpec.ConfigMapKeys("part-2", List.of("accesslist", "more.gz"))));
        assertEquals(TrackerResources.ACCESS_LIST_MOUNT, env(t).get("TRACKER_ACCESS_LIST_FILE"));
        var volume = TrackerResources.statefulSet(t, SETTINGS).getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals("access-list")).findFirst().orElseThrow();
        var paths = volume.getProjected().getSources().stream()
                .flatMap(p -> p.getConfigMap().getItems().stream()
                        .map(i -> p.getConfigMap().getName() + ":" + i.getKey() + "->" + i.getPath()))
                .toList();
        assertEquals(List.of("legacy:accesslist->legacy/accesslist", "part-1:accesslist->part-1/accesslist",
                "part-2:accesslist->part-2/accesslist", "part-2:more.gz->part-2/more.gz"), paths,
                "equal key names in two ConfigMaps do not collide");
        assertTrue(volume.getProjected().getSources().stream().noneMatch(p -> p.getConfigMap().getOptional()),
                "new pods wait for a missing ConfigMap rather than start with part of the list");
    }

    @Test
    void envFollowsTheSpecAndTheSettings() {
        Tracker t = tracker();
        Map<String, String> env = env(t);
        assertEquals("t-workers.ns.svc.example.internal", env.get("TRACKER_CLUSTER_DNS"));
        assertFalse(env.containsKey("TRACKER_ACCESS_LIST_FILE"));
        assertFalse(env.containsKey("TRACKER_DENIABILITY_PROBABILITY"), "off by default: the worker's default");
        assertEquals("kubetracker/tracker-worker:1",
                TrackerResources.statefulSet(t, SETTINGS).getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
        t.getSpec().setPriorityClassName("high");
        t.getSpec().setNodeSelector(Map.of("pool", "trackers"));
        var pod = TrackerResources.statefulSet(t, SETTINGS).getSpec().getTemplate().getSpec();
        assertEquals("high", pod.getPriorityClassName());
        assertEquals(Map.of("pool", "trackers"), pod.getNodeSelector());
    }

    @Test
    void secretKeysAreFreshEachTime() {
        var a = TrackerResources.secret(tracker(), new SecureRandom());
        var b = TrackerResources.secret(tracker(), new SecureRandom());
        assertNotEquals(a.getData().get("cluster.key"), b.getData().get("cluster.key"));
        assertEquals(2, a.getData().size());
    }

    @Test
    void accessListCountedAsTheWorkerReadsIt() {
        String h = "0123456789abcdef0123456789abcdef01234567";
        assertEquals(List.of(0, 0), counted(""));
        assertEquals(List.of(1, 0), counted("\uFEFF" + h + "\n# c\n\n  \t\n"));
        assertEquals(List.of(1, 0), counted(h.toUpperCase() + " name\r\n" + h + "\n"), "dedup, either case, CRLF");
        assertEquals(List.of(1, 0), counted("   " + h + "\tx"), "leading blanks");
        assertEquals(List.of(0, 3), counted(h + "0\n" + h.substring(1) + "\nxyz\n"),
                "41 hex digits, 39, text");
    }

    private static List<Integer> counted(String text) {
        AccessListCount count = AccessListCount.of(text);
        return List.of(count.entries(), count.malformedLines());
    }

    @Test
    void theDigestIsTheSha256OfTheSortedHashBytesWhateverTheSpellingOrder() throws Exception {
        String a = "0123456789abcdef0123456789abcdef01234567";
        String b = "f123456789abcdef0123456789abcdef01234567";
        var sha256 = java.security.MessageDigest.getInstance("SHA-256");
        sha256.update(java.util.HexFormat.of().parseHex(a));
        sha256.update(java.util.HexFormat.of().parseHex(b));
        String expected = java.util.HexFormat.of().formatHex(sha256.digest());
        assertEquals(expected, AccessListCount.of(b.toUpperCase() + "\n" + a + "\n" + a + " again\n").digest());
        assertEquals(expected, AccessListCount.of(List.of(b + "\n", "# part two\n" + a + "\n")).digest());
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", AccessListCount.of("").digest(),
                "the empty list: SHA-256 of nothing");
    }

    @Test
    void conditionTransitionTimeMovesOnlyOnAFlip() {
        Tracker t = tracker();
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        TrackerStatus s0 = TrackerReconciler.status(t, Optional.empty(), List.of(), List.of(), t0);
        assertEquals("False", ready(s0).getStatus());
        assertEquals("2026-01-01T00:00:00Z", ready(s0).getLastTransitionTime());
        assertEquals(3L, ready(s0).getObservedGeneration());
        t.setStatus(s0);
        TrackerStatus s1 = TrackerReconciler.status(t, Optional.empty(), List.of(), List.of(),
                t0.plusSeconds(60));
        assertEquals(s0, s1, "nothing changed: same status, so no patch");
        t.setStatus(s1);
        StatefulSet sts = TrackerResources.statefulSet(t, SETTINGS);
        sts.getMetadata().setGeneration(1L);
        sts.setStatus(new StatefulSetStatusBuilder().withObservedGeneration(1L).withReplicas(2).withReadyReplicas(2)
                .withUpdatedReplicas(2).withCurrentRevision("r").withUpdateRevision("r").build());
        TrackerStatus s2 = TrackerReconciler.status(t, Optional.of(sts), List.of(), List.of(),
                t0.plusSeconds(120));
        assertEquals("True", ready(s2).getStatus());
        assertEquals("2026-01-01T00:02:00Z", ready(s2).getLastTransitionTime());
        assertTrue(ready(s2).getMessage().contains("no address yet"), ready(s2).getMessage());
    }

    @Test
    void configMapWithoutTheKeyIsDegraded() {
        Tracker t = tracker();
        t.getSpec().getAccessList().setMode(TrackerSpec.AccessListMode.BLACKLIST);
        t.getSpec().getAccessList().setConfigMapName("cm");
        var cm = new ConfigMapBuilder().withNewMetadata().withName("cm").addToLabels(TrackerResources.ACCESS_LIST_LABEL, "true").endMetadata().addToData("other", "x").build();
        TrackerStatus s = TrackerReconciler.status(t, Optional.empty(), List.of(), List.of(cm), Instant.EPOCH);
        var degraded = s.getConditions().stream().filter(c -> c.getType().equals("Degraded")).findFirst().orElseThrow();
        assertEquals("True", degraded.getStatus());
        assertEquals("AccessListKeyMissing", degraded.getReason());
    }

    static io.fabric8.kubernetes.api.model.Condition ready(TrackerStatus s) {
        return s.getConditions().stream().filter(c -> c.getType().equals("Ready")).findFirst().orElseThrow();
    }
}
