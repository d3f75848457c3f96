package dev.kubetracker.operator.reconciler;

import dev.kubetracker.operator.model.Tracker;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * Kubernetes Events (events.k8s.io/v1) about a Tracker, as {@code kubectl describe tracker} and
 * {@code kubectl events} show them. Best effort: an event that cannot be written is logged, never fails a
 * reconcile.
 */
@ApplicationScoped
public class TrackerEvents {

    public static final String REPORTING_CONTROLLER = "kubetracker.dev/operator";
    /** events.k8s.io/v1 refuses longer notes. */
    static final int MAX_NOTE = 1024;

    private static final Logger LOG = Logger.getLogger(TrackerEvents.class);
    private static final DateTimeFormatter MICRO_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    @Inject
    KubernetesClient client;

    /** The pod this operator runs in (HOSTNAME in a pod), to tell the replicas apart. */
    private final String instance = System.getenv().getOrDefault("HOSTNAME", "kubetracker-operator");

    void keysCreated(Tracker tracker) {
        record(tracker, "Normal", "KeysCreated", "Create", "created Secret " + TrackerResources.secretName(tracker)
                + " with the cluster and connection-id keys");
    }

    void degraded(Tracker tracker, String reason, String message) {
        record(tracker, "Warning", reason, "Reconcile", message);
    }

    void reconcileFailed(Tracker tracker, String reason, String message) {
        record(tracker, "Warning", reason, "Reconcile", message);
    }

    /** The Tracker's name (cut to leave room within the 253 characters of a name), a dot and a unique suffix. */
    static String eventName(Tracker tracker, Instant now) {
        String name = tracker.getMetadata().getName();
        return name.substring(0, Math.min(name.length(), 200)) + "." + Long.toHexString(now.toEpochMilli())
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
    }

    private void record(Tracker tracker, String type, String reason, String action, String note) {
        Instant now = Instant.now();
        Event event = new EventBuilder()
                .withNewMetadata()
                    .withName(eventName(tracker, now))
                    .withNamespace(tracker.getMetadata().getNamespace())
                .endMetadata()
                .withEventTime(new MicroTime(MICRO_TIME.format(now)))
                .withReportingController(REPORTING_CONTROLLER)
                .withReportingInstance(instance)
                .withAction(action)
                .withReason(reason)
                .withType(type)
                .withNote(note.length() > MAX_NOTE ? note.substring(0, MAX_NOTE) : note)
                .withRegarding(new ObjectReferenceBuilder().withApiVersion(tracker.getApiVersion())
                        .withKind(tracker.getKind()).withName(tracker.getMetadata().getName())
                        .withNamespace(tracker.getMetadata().getNamespace()).withUid(tracker.getMetadata().getUid())
                        .build())
                .build();
        try {
            client.resource(event).create();
        } catch (KubernetesClientException e) {
            LOG.debugf(e, "event %s for Tracker %s/%s not recorded", reason, tracker.getMetadata().getNamespace(),
                    tracker.getMetadata().getName());
        }
    }
}
