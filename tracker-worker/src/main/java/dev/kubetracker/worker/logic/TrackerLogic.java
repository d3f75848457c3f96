package dev.kubetracker.worker.logic;

import dev.kubetracker.worker.access.AccessList;
import dev.kubetracker.worker.cluster.ChangeLog;
import dev.kubetracker.worker.deniability.RandomPeers;
import dev.kubetracker.worker.net.ClientAddress;
import dev.kubetracker.worker.stats.RequestCounters;
import dev.kubetracker.worker.stats.RequestCounters.ErrorReason;
import dev.kubetracker.worker.stats.RequestCounters.Protocol;
import dev.kubetracker.worker.swarm.Announce;
import dev.kubetracker.worker.swarm.AnnouncePolicy;
import dev.kubetracker.worker.swarm.AnnounceReply;
import dev.kubetracker.worker.swarm.InfoHashPredicate;
import dev.kubetracker.worker.swarm.ScrapeCounts;
import dev.kubetracker.worker.swarm.SwarmStore;
import dev.kubetracker.worker.swarm.TorrentRows;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one place where the tracker decides, whatever the protocol: frontends parse a request into an
 * {@link Announce} or a list of hashes, ask here, and write what comes back (chihaya's
 * frontend/middleware split). Per-client limits, admission (the access list), the store and its
 * budget, the change log for the siblings, deniability and the counters of decisions live here and
 * nowhere else; frontends count only what they parse (packets, malformed requests).
 *
 * <p>One rule for refused hashes in every kind of scrape: a torrent the access list refuses is one the
 * tracker does not know. A scrape that names it gets zeros, as for any unknown hash; a full scrape,
 * which lists what the tracker holds, leaves it out.
 *
 * <p>Thread-safe and allocation-free: callers pass their own reusable request and reply objects.
 */
public final class TrackerLogic {
    private final SwarmStore store;
    private final AccessList accessList;
    private final AnnouncePolicy policy;
    private final ChangeLog changes;
    private final RandomPeers randomPeers;
    private final RequestCounters counters;
    private final ClientLimits limits;
    private final InfoHashPredicate served;

    /**
     * Makes the access list the store's admission predicate: it is checked under the shard lock, so a
     * request racing a reload can never store a torrent the new list refuses.
     */
    public TrackerLogic(SwarmStore store, AccessList accessList, AnnouncePolicy policy, ChangeLog changes,
                        RandomPeers randomPeers, RequestCounters counters) {
        this(store, accessList, policy, changes, randomPeers, counters, ClientLimits.none());
    }

    public TrackerLogic(SwarmStore store, AccessList accessList, AnnouncePolicy policy, ChangeLog changes,
                        RandomPeers randomPeers, RequestCounters counters, ClientLimits limits) {
        this.store = store;
        this.accessList = accessList;
        this.policy = policy;
        this.changes = changes;
        this.randomPeers = randomPeers;
        this.counters = counters;
        this.limits = limits;
        this.served = accessList::allows;
        store.setAdmission(served);
    }

    public AnnouncePolicy policy() {
        return policy;
    }

    /**
     * Decides one client announce ({@code a.numwant} already capped by the frontend to what its reply
     * can carry). When served, {@code reply} holds the counts, the interval and the peers; the change is
     * queued for the siblings before the caller can reply, so one client's changes keep their order.
     */
    public AnnounceOutcome announce(Announce a, Protocol protocol, AnnounceReply reply) {
        long client = ClientLimits.keyOf(a.family, a.address4, a.address6High);
        int admission = limits.admit(client);
        if (admission == ClientLimits.REFUSED) {
            counters.error(protocol, ErrorReason.RATE_LIMITED);
            return AnnounceOutcome.RATE_LIMITED;
        }
        a.mayCreateTorrent = admission == ClientLimits.ALLOWED;
        AnnounceOutcome outcome = switch (store.announce(a, reply)) {
            case ACCEPTED -> AnnounceOutcome.SERVED;
            case REFUSED -> AnnounceOutcome.NOT_AUTHORIZED;
            case FULL -> AnnounceOutcome.TRACKER_FULL;
            case LIMITED -> AnnounceOutcome.TORRENT_RATE_LIMITED;
        };
        if (outcome != AnnounceOutcome.SERVED) {
            if (outcome == AnnounceOutcome.TORRENT_RATE_LIMITED) {
                limits.torrentRefused(client);
            }
            counters.error(protocol, outcome.reason());
            return outcome;
        }
        if (reply.createdTorrent) {
            limits.torrentCreated(client);
        }
        changes.record(a);
        if (a.event != Announce.Event.STOPPED) {
            randomPeers.mixInto(reply, a.family, a.numwant, ThreadLocalRandom.current());
        }
        reply.interval = policy.randomizedInterval();
        counters.announce(protocol, a.family, a.event);
        return outcome;
    }

    /**
     * Admits one scrape request (of any number of hashes, or a full scrape) from the client and counts
     * it; false, counted as rate limited, when the client is over its requests per second.
     */
    public boolean admitScrape(Protocol protocol, ClientAddress client) {
        if (!admitRequest(protocol, client)) {
            return false;
        }
        counters.scrape(protocol, client.family);
        return true;
    }

    /** Takes one request from the client's allowance; false, counted as rate limited, when it has none. */
    public boolean admitRequest(Protocol protocol, ClientAddress client) {
        if (limits.admit(ClientLimits.keyOf(client.family, client.v4, client.v6High)) == ClientLimits.REFUSED) {
            counters.error(protocol, ErrorReason.RATE_LIMITED);
            return false;
        }
        return true;
    }


    /**
     * Call for every hash of a scrape before {@link #scrape} of any: their lookups' cache misses then overlap
     * ({@link SwarmStore#prefetch}). Returns a meaningless number for the caller to keep.
     */
    public int prefetchScrape(long high, long middle, int low) {
        return store.prefetch(high, middle, low);
    }

    /** The counts of one named torrent: zeros when it is unknown or refused. */
    public void scrape(long high, long middle, int low, ScrapeCounts out) {
        if (accessList.allows(high, middle, low)) {
            store.scrape(high, middle, low, out);
        } else {
            out.clear();
        }
    }

    /** Shards a full scrape walks, in hash order. */
    public int shardCount() {
        return store.shardCount();
    }

    /**
     * One shard's torrents for a full scrape, sorted by hash, without the ones the access list refuses
     * (a reload drops them from the store, but a scrape may run between the swap and that sweep).
     */
    public void fullScrapeShard(int shard, TorrentRows rows) {
        store.copySortedShard(shard, rows);
        if (accessList.mode() != AccessList.Mode.OFF) {
            rows.retain(served);
        }
    }
}
