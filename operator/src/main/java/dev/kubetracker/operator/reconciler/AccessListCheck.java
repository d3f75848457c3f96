package dev.kubetracker.operator.reconciler;

import dev.kubetracker.operator.model.TrackerSpec;
import dev.kubetracker.operator.model.TrackerStatus;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * What the operator finds in a Tracker's access-list ConfigMaps: each must exist, carry the label and
 * hold its keys (as text, or as binaryData that may be gzip-compressed); the entries are counted over
 * all of them, as the worker merges them. Pure, so that the status stays a pure function.
 *
 * @param degradedReason null when every ConfigMap and key was found
 */
record AccessListCheck(TrackerStatus.AccessListStatus status, String degradedReason, List<String> problems) {
    /**
     * Most list text the operator decompresses to count (a gzip bomb must not exhaust it); a larger list
     * is left uncounted here, the workers' own counts and digests say what they loaded.
     */
    static final int MAX_COUNTED_BYTES = 16 << 20;

    static AccessListCheck of(String mode, TrackerSpec.AccessList list, Map<String, ConfigMap> found) {
        List<TrackerSpec.ConfigMapKeys> sources = list.sources();
        TrackerStatus.AccessListStatus status = new TrackerStatus.AccessListStatus(mode,
                sources.isEmpty() ? null : sources.get(0).getName(), null, null);
        if (list.spansSeveralKeys()) {
            status.setConfigMaps(sources.stream().map(TrackerSpec.ConfigMapKeys::getName).distinct().toList());
        }
        String reason = null;
        List<String> problems = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        long budget = MAX_COUNTED_BYTES;
        boolean countable = true;
        for (TrackerSpec.ConfigMapKeys source : sources) {
            String name = source.getName();
            ConfigMap configMap = found.get(name);
            if (configMap == null) {
                reason = reason != null ? reason : "AccessListMissing";
                problems.add("ConfigMap " + name + " not found; running workers keep the list they last loaded,"
                        + " new worker pods wait for it");
                continue;
            }
            if (!TrackerResources.isLabelledAccessList(configMap)) {
                reason = reason != null ? reason : "AccessListNotLabelled";
                problems.add("ConfigMap " + name + " lacks the label " + TrackerResources.ACCESS_LIST_LABEL
                        + "=true: the operator watches only ConfigMaps so labelled (the workers read it all the same)");
                continue;
            }
            for (String key : source.keysOrDefault()) {
                String text = configMap.getData() == null ? null : configMap.getData().get(key);
                String binary = configMap.getBinaryData() == null ? null : configMap.getBinaryData().get(key);
                if (text == null && binary == null) {
                    reason = reason != null ? reason : "AccessListKeyMissing";
                    problems.add("ConfigMap " + name + " has no key " + key);
                } else {
                    try {
                        text = text != null ? text : decode(binary, budget);
                        budget -= text.length();
                        texts.add(text);
                    } catch (TooLarge e) {
                        countable = false; // the workers' counts say how large it is
                    } catch (IOException | IllegalArgumentException e) {
                        countable = false;
                        reason = reason != null ? reason : "AccessListUnreadable";
                        problems.add("ConfigMap " + name + " key " + key + " is not a list the workers can read"
                                + " (they keep their previous list): " + e);
                    }
                }
            }
        }
        if (reason == null && countable && budget >= 0) {
            AccessListCount count = AccessListCount.of(texts);
            status.setEntries(count.entries());
            status.setMalformedLines(count.malformedLines());
            status.setDigest(count.digest());
        }
        return new AccessListCheck(status, reason, problems);
    }

    /** binaryData's base64, gunzipped when it starts with gzip's magic bytes, as the worker reads it. */
    private static String decode(String base64, long limit) throws IOException {
        byte[] raw = Base64.getDecoder().decode(base64);
        if (raw.length < 2 || (raw[0] & 0xFF) != 0x1f || (raw[1] & 0xFF) != 0x8b) {
            return new String(raw, StandardCharsets.UTF_8);
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
            byte[] text = in.readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 8));
            if (text.length > limit) {
                throw new TooLarge();
            }
            return new String(text, StandardCharsets.UTF_8);
        }
    }

    private static final class TooLarge extends IOException {
        TooLarge() {
            super("more list text than the operator counts");
        }
    }
}
