package dev.kubetracker.worker.logic;

import dev.kubetracker.worker.access.AccessList;
import dev.kubetracker.worker.cluster.ChangeLog;
import dev.kubetracker.worker.deniability.RandomPeers;
import dev.kubetracker.worker.stats.RequestCounters;
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
 * frontend/middleware split). Admission, the store, the change log for the siblings, deniability and
 * the counters of decisions live here and nowhere else; frontends count only what they parse
 * (packets, malformed requests).
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
    private final InfoHashPredicate served;

    /**
     * Makes the access list the store's admission predicate: it is checked under the shard lock, so a
     * request racing a reload can never store a torrent the new list refuses.
     */
    public TrackerLogic(SwarmStore store, AccessList accessList, AnnouncePolicy policy, ChangeLog changes,
                        RandomPeers randomPeers, RequestCounters counters) {
        this.store = store;
        this.accessList = accessList;
        this.policy = policy;
        this.changes = changes;
        this.randomPeers = randomPeers;
        this.counters = counters;
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
        AnnounceOutcome outcome = switch (store.announce(a, reply)) {
            case ACCEPTED -> AnnounceOutcome.SERVED;
            case REFUSED -> AnnounceOutcome.NOT_AUTHORIZED;
            case FULL -> AnnounceOutcome.TRACKER_FULL;
        };
        if (outcome != AnnounceOutcome.SERVED) {
            counters.error(protocol, outcome.reason());
            return outcome;
        }
        changes.record(a);
        if (a.event != Announce.Event.STOPPED) {
            randomPeers.mixInto(reply, a.family, a.numwant, ThreadLocalRandom.current());
        }
        reply.interval = policy.randomizedInterval();
        counters.announce(protocol, a.family, a.event);
        return outcome;
    }

    /** Counts one scrape request (of any number of hashes) from a client of {@code family}. */
    public void countScrape(Protocol protocol, int family) {
        counters.scrape(protocol, family);
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
