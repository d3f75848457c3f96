package dev.kubetracker.worker.testing;

import dev.kubetracker.worker.swarm.PeerRecord;
import dev.kubetracker.worker.swarm.PulledShard;
import dev.kubetracker.worker.swarm.SwarmStore;
import dev.kubetracker.worker.swarm.TorrentRows;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** A store's state as comparable text, and a store's shard as a sibling's copy, without the network. */
public final class StoreDumps {
    private StoreDumps() {
    }

    /**
     * Every peer (hash, family, address, port, seeder, completed, age) and every torrent's counts, sorted:
     * two stores that hold the same state give equal dumps. FROM_SYNC is left out: it says where a peer
     * came from, which differs between siblings by design.
     */
    public static List<String> dump(SwarmStore store) {
        TreeSet<String> lines = new TreeSet<>();
        for (int shard = 0; shard < store.shardCount(); shard++) {
            store.forEachPeer(shard, (h, m, l, family, address4, high, low, port, flags, age) -> lines.add(
                    String.format("peer %016x%016x%08x v%d %08x %016x%016x:%d seeder=%b completed=%b age=%d", h, m, l,
                            family, address4, high, low, port, (flags & PeerRecord.SEEDER) != 0,
                            (flags & PeerRecord.COMPLETED) != 0, age)));
            TorrentRows rows = new TorrentRows();
            store.forEachTorrent(shard, rows);
            for (int i = 0; i < rows.size(); i++) {
                lines.add(String.format("torrent %016x%016x%08x seeders=%d leechers=%d downloaded=%d", rows.high(i),
                        rows.middle(i), rows.low(i), rows.seeders(i), rows.leechers(i), rows.downloaded(i)));
            }
        }
        return new ArrayList<>(lines);
    }

    /** Shard {@code shard} of {@code sibling} as anti-entropy would pull it: peers, tombstones, download counts. */
    public static PulledShard pull(SwarmStore sibling, int shard) {
        List<Runnable> records = new ArrayList<>();
        List<SwarmStore.ShardMerge> into = new ArrayList<>(1);
        sibling.forEachPeer(shard, (h, m, l, family, address4, high, low, port, flags, age) ->
                records.add(() -> into.get(0).peer(h, m, l, family, address4, high, low, port, flags, age)));
        sibling.forEachTombstone(shard, (h, m, l, family, address4, high, low, port, flags, age) ->
                records.add(() -> into.get(0).tombstone(h, m, l, family, address4, high, low, port, age)));
        TorrentRows rows = new TorrentRows();
        sibling.forEachTorrent(shard, rows);
        for (int i = 0; i < rows.size(); i++) {
            long h = rows.high(i);
            long m = rows.middle(i);
            int l = rows.low(i);
            int downloaded = rows.downloaded(i);
            records.add(() -> into.get(0).downloaded(h, m, l, downloaded));
        }
        return merge -> {
            into.add(merge);
            records.forEach(Runnable::run);
            into.clear();
        };
    }
}
