package dev.kubetracker.worker.access;

import dev.kubetracker.worker.swarm.SwarmStore;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import dev.kubetracker.worker.swarm.TorrentRows;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jboss.logging.Logger;

/**
 * Keeps an {@link AccessList} in step with its files ({@link AccessListSources}: files or directories
 * of them, plain or gzipped, merged into one set). Reloads when a file's directory changes (so a
 * Kubernetes ConfigMap volume, which swaps a {@code ..data} symlink, and an editor's rename both
 * count), when a file's identity, size or time changes (checked every few seconds, for file systems
 * without change events), and on SIGHUP, as opentracker does. A reload that cannot read every file
 * (missing, corrupt or truncated gzip, past the size limit) keeps the previous list. After each
 * reload, swarms of torrents the list no longer allows are dropped from the store.
 */
public final class AccessListReloader implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AccessListReloader.class);
    /** Changes often come in bursts (a ConfigMap swap is several renames): wait for the burst to end. */
    private static final long SETTLE_MILLIS = 150;
    private static final long DEFAULT_POLL_MILLIS = 5_000;
    /** Attempts to read a file that keeps changing while it is read (a writer still at work). */
    private static final int READ_ATTEMPTS = 5;
    static final long DEFAULT_MAX_BYTES = 128L << 20;

    private final AccessList list;
    private final AccessListSources sources;
    private final long maxBytes;
    private final SwarmStore store;
    private final boolean watch;
    private final long pollMillis;
    private volatile String lastFailure;

    private final AtomicLong lastReloadEpochMillis = new AtomicLong();
    private final LongAdder reloads = new LongAdder();
    private final LongAdder reloadFailures = new LongAdder();
    private volatile int malformedLines;
    private volatile Object fingerprint;
    private volatile String digest = InfoHashSet.EMPTY.digest();
    private Runnable reloadListener = () -> { };
    private volatile boolean closed;
    private Thread watcher;
    private WatchService watchService;

    /** {@code maxBytes}: the most list text all the files may hold (or decompress to) together. */
    public AccessListReloader(AccessList list, List<Path> files, SwarmStore store, boolean watch, long maxBytes) {
        this(list, files, store, watch, maxBytes, DEFAULT_POLL_MILLIS);
    }

    AccessListReloader(AccessList list, Path file, SwarmStore store, boolean watch) {
        this(list, List.of(file), store, watch, DEFAULT_MAX_BYTES, DEFAULT_POLL_MILLIS);
    }

    AccessListReloader(AccessList list, Path file, SwarmStore store, boolean watch, long pollMillis) {
        this(list, List.of(file), store, watch, DEFAULT_MAX_BYTES, pollMillis);
    }

    /** With {@code pollMillis}, how often the files' fingerprint is checked besides the change events. */
    AccessListReloader(AccessList list, List<Path> files, SwarmStore store, boolean watch, long maxBytes,
                       long pollMillis) {
        this.list = Objects.requireNonNull(list);
        this.sources = new AccessListSources(files);
        this.maxBytes = maxBytes;
        this.store = store;
        this.watch = watch;
        this.pollMillis = pollMillis;
    }

    /** Loads the list once (a whitelist that cannot be read refuses everything), then starts watching. */
    public void start() {
        if (!reload("start-up")) {
            if (list.mode() == AccessList.Mode.WHITELIST) {
                LOG.errorf("WHITELIST %s CANNOT BE READ: starting with an EMPTY whitelist, every torrent is refused "
                        + "until the file appears", sources);
            } else {
                LOG.warnf("blacklist %s cannot be read: starting with an empty blacklist", sources);
            }
        }
        if (watch) {
            watchService = registerWatch(); // before returning, so no change after start() is missed
            watcher = new Thread(this::watchLoop, "access-list-watch");
            watcher.setDaemon(true);
            watcher.start();
        }
        SignalReload.onHangup(() -> reload("SIGHUP"));
    }

    /**
     * Reads and swaps in the list. Returns false, keeping the previous list, when a file cannot be
     * read. Serialised: two reloads never race.
     */
    public synchronized boolean reload(String cause) {
        long started = System.nanoTime();
        Loaded loaded;
        try {
            loaded = readUntilStill();
        } catch (IOException | RuntimeException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            reloadFailures.increment();
            String failure = e.toString();
            if (!failure.equals(lastFailure)) { // once per distinct problem, not every poll
                LOG.warnf("access list %s not reloaded (%s): %s; the previous list (%d entries) stays in force",
                        sources, cause, failure, list.size());
            }
            lastFailure = failure;
            return false;
        }
        lastFailure = null;
        InfoHashSet hashes = InfoHashSet.of(loaded.rows());
        list.replace(hashes);
        digest = hashes.digest();
        fingerprint = loaded.fingerprint();
        malformedLines = loaded.malformedLines();
        lastReloadEpochMillis.set(System.currentTimeMillis());
        reloads.increment();
        reloadListener.run();
        long dropped = store == null ? 0 : store.removeTorrents((h, m, l) -> !list.allows(h, m, l));
        LOG.infof("access list %s loaded (%s): %s mode, %d entries from %d file%s, %d malformed line%s%s, "
                        + "%d torrent%s dropped, %d ms",
                sources, cause, list.mode().name().toLowerCase(), hashes.size(), loaded.files(),
                loaded.files() == 1 ? "" : "s", loaded.malformedLines(), loaded.malformedLines() == 1 ? "" : "s",
                loaded.malformedLines() == 0 ? "" : " (first at " + loaded.firstMalformed() + ")",
                dropped, dropped == 1 ? "" : "s", (System.nanoTime() - started) / 1_000_000);
        return true;
    }

    /** What one read of all the files found. */
    private record Loaded(TorrentRows rows, Object fingerprint, int files, int malformedLines,
                          List<String> firstMalformed) {
    }

    /**
     * Reads every file until the set holds still: a file rewritten in place is briefly empty or
     * half-written, and a ConfigMap swap during the read would mix two versions.
     */
    private Loaded readUntilStill() throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            Object before = sources.fingerprint();
            Loaded loaded = readAll(before);
            if (before.equals(sources.fingerprint())) {
                return loaded;
            } else if (attempt == READ_ATTEMPTS) {
                throw new IOException("the files kept changing while they were read");
            }
            Thread.sleep(100);
        }
    }

    private Loaded readAll(Object fingerprint) throws IOException {
        List<Path> files = sources.files();
        TorrentRows rows = new TorrentRows();
        long budget = maxBytes;
        int malformed = 0;
        List<String> firstMalformed = new ArrayList<>();
        for (Path file : files) {
            byte[] content = AccessListBytes.read(file, budget);
            budget -= content.length;
            AccessListFile.Malformed m = AccessListFile.parseInto(rows, content);
            malformed += m.count();
            if (m.count() > 0 && firstMalformed.size() < AccessListFile.MALFORMED_LINES_KEPT) {
                firstMalformed.add(file.getFileName() + " lines " + Arrays.toString(m.firstLineNumbers()));
            }
        }
        return new Loaded(rows, fingerprint, files.size(), malformed, firstMalformed);
    }

    private boolean changedSinceLastLoad() {
        try {
            return !sources.fingerprint().equals(fingerprint);
        } catch (IOException | RuntimeException e) {
            return lastFailure == null; // it was readable and now is not: try (and report) once
        }
    }

    /** Watches the files' directories; null (and polling only) where that is not possible. */
    private WatchService registerWatch() {
        WatchService service = null;
        try {
            service = FileSystems.getDefault().newWatchService();
            for (Path directory : sources.directoriesToWatch()) {
                directory.register(service, StandardWatchEventKinds.ENTRY_CREATE,
                        StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
            }
            return service;
        } catch (IOException | RuntimeException e) {
            LOG.warnf("cannot watch %s (%s): checking the access list every %d ms instead",
                    sources.directoriesToWatch(), e, pollMillis);
            if (service != null) {
                try {
                    service.close();
                } catch (IOException ignored) {
                    // nothing more to release
                }
            }
            return null;
        }
    }

    private void watchLoop() {
        while (!closed) {
            try {
                boolean event = false;
                boolean namesFile = false;
                if (watchService != null) {
                    WatchKey key = watchService.poll(pollMillis, TimeUnit.MILLISECONDS);
                    if (key != null) {
                        event = true;
                        Thread.sleep(SETTLE_MILLIS);
                        namesFile = namesFile(key);
                        key.reset();
                        namesFile |= drainPendingKeys();
                    }
                } else {
                    Thread.sleep(pollMillis);
                }
                // An event naming the file reloads it even when its fingerprint looks the same: a rewrite of
                // the same size within the same millisecond (which the fingerprint cannot tell) is common.
                if (namesFile || changedSinceLastLoad()) {
                    reload(event ? "file changed" : "file changed (poll)");
                }
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            } catch (RuntimeException e) {
                LOG.error("access list watcher failed; retrying", e);
            }
        }
    }

    /** Drains the keys queued meanwhile; returns whether any of their events named the file. */
    private boolean drainPendingKeys() {
        boolean namesFile = false;
        WatchKey more;
        while ((more = watchService.poll()) != null) {
            namesFile |= namesFile(more);
            more.reset();
        }
        return namesFile;
    }

    /** Takes the key's events; whether one of them is about a list file itself (not a sibling entry). */
    private boolean namesFile(WatchKey key) {
        boolean names = false;
        Path directory = (Path) key.watchable();
        for (java.nio.file.WatchEvent<?> e : key.pollEvents()) {
            names |= e.context() instanceof Path name && sources.namesListFile(directory, name);
        }
        return names;
    }

    public long lastReloadEpochMillis() {
        return lastReloadEpochMillis.get();
    }

    public long reloads() {
        return reloads.sum();
    }

    public long reloadFailures() {
        return reloadFailures.sum();
    }

    public int malformedLines() {
        return malformedLines;
    }

    /** Runs the listener now and after each successful reload (the metrics follow the digest so). */
    public synchronized void onReload(Runnable listener) {
        reloadListener = Objects.requireNonNull(listener);
        listener.run();
    }

    /** The SHA-256 of the loaded set ({@link InfoHashSet#digest}), to tell which version a worker enforces. */
    public String digest() {
        return digest;
    }

    @Override
    public void close() {
        closed = true;
        if (watcher != null) {
            watcher.interrupt();
        }
        if (watchService != null) {
            try {
                watchService.close();
            } catch (IOException e) {
                LOG.debug("closing the watch service", e);
            }
        }
        SignalReload.clear();
    }
}
