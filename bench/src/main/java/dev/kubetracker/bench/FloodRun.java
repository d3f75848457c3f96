package dev.kubetracker.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A flood run: the well-behaved clients announce their peers once; then, together, the flood (from its
 * own thread's {@link UdpLoad}), the well-behaved re-announces (from another) and the sampler; the flood
 * ending ends the other two.
 */
public final class FloodRun {
    private final FloodOptions o;

    public FloodRun(FloodOptions options) {
        this.o = options;
    }

    public FloodReport run() throws IOException, InterruptedException {
        long knownPeers;
        try (UdpLoad fill = new UdpLoad(o.goodFill())) {
            knownPeers = fill.run().kind("announce").ok();
        }
        ExecutorService goodThread = Executors.newSingleThreadExecutor();
        try (TrackerSampler sampler = new TrackerSampler(o.workers());
             UdpLoad flood = new UdpLoad(o.flood());
             UdpLoad good = new UdpLoad(o.goodLoad())) {
            long start = System.nanoTime();
            sampler.start(start);
            Future<RunReport> goodReport = goodThread.submit(good::run);
            RunReport floodReport;
            try {
                floodReport = flood.run();
            } finally {
                good.stop();
            }
            RunReport goodRun = goodReport.get();
            List<List<TrackerSampler.Sample>> samples = sampler.finish();
            List<Long> pids = new ArrayList<>();
            for (TrackerSampler.Target t : o.workers()) {
                pids.add(t.pid());
            }
            Refusals refusals = flood.refusals();
            return new FloodReport(o.scenario(), o.flood().targetText(), o.sources(), floodReport.seconds(),
                    o.limitBytes(), FloodReport.Answers.of(floodReport.kind("announce"), refusals),
                    FloodReport.Answers.of(goodRun.kind("announce"), good.refusals()), knownPeers,
                    since(start, refusals, Refusals.Kind.TRACKER_FULL),
                    since(start, refusals, Refusals.Kind.RATE_LIMITED), pids, samples);
        } catch (ExecutionException e) {
            throw new IOException("the well-behaved clients failed", e.getCause());
        } finally {
            goodThread.shutdownNow();
        }
    }

    private static double since(long start, Refusals refusals, Refusals.Kind kind) {
        return refusals.count(kind) == 0 ? -1 : (refusals.firstAtNanos(kind) - start) / 1e9;
    }
}
