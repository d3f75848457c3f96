package dev.kubetracker.worker.net;

import java.util.List;

/**
 * Decides which address a request comes from: the connection's source, or, when that source is a
 * trusted proxy, the right-most address of {@code X-Forwarded-For} that is not itself a trusted proxy.
 */
public final class TrustedProxies {
    private final Cidr[] networks;

    public TrustedProxies(List<Cidr> networks) {
        this.networks = networks.toArray(new Cidr[0]);
    }

    public boolean isEmpty() {
        return networks.length == 0;
    }

    public boolean isTrusted(ClientAddress address) {
        for (Cidr network : networks) {
            if (network.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Rewrites {@code client} (the connection's source) to the forwarded client when allowed. Returns
     * false when the header is present, comes from a trusted proxy, and holds no usable address.
     */
    public boolean resolve(ClientAddress client, String forwardedFor, ClientAddress scratch) {
        if (forwardedFor == null || networks.length == 0 || !isTrusted(client)) {
            return true;
        }
        int end = forwardedFor.length();
        while (end > 0) {
            int comma = forwardedFor.lastIndexOf(',', end - 1);
            String hop = forwardedFor.substring(comma + 1, end);
            if (!IpLiteral.parse(hop, scratch)) {
                return false;
            }
            client.copyFrom(scratch);
            if (!isTrusted(scratch)) {
                return true;
            }
            end = comma < 0 ? 0 : comma;
        }
        return true;
    }
}
