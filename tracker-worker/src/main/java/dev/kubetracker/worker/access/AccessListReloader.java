package dev.kubetracker.worker.access;

import dev.kubetracker.worker.swarm.SwarmStore;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jboss.logging.Logger;

/**
 * Keeps an {@link AccessList} in step with its file. Reloads when the file's directory changes (so a
 * Kubernetes ConfigMap volume, which swaps a {@code ..data} symlink, and an editor's rename both
 * count), when the file's identity, size or time changes (checked every few seconds, for file
 * systems without change events), and on SIGHUP, as opentracker does. A reload that cannot read the
 * file keeps the previous list. After each reload, swarms of torrents the list no longer allows are
 * dropped from the store.
 */
public final class AccessListReloader implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AccessListReloader.class);
    /** Changes often come in bursts (a ConfigMap swap is several renames): wait for the burst to end. */
    private static final long SETTLE_MILLIS = 150;
    private static final long DEFAULT_POLL_MILLIS = 5_000;
    /** Attempts to read a file that keeps changing while it is read (a writer still at work). */
    private static final int READ_ATTEMPTS = 5;

    private final AccessList list;
    private final Path file;
    private final SwarmStore store;
    private final boolean watch;
    private final long pollMillis;
    private volatile String lastFailure;

    private final AtomicLong lastReloadEpochMillis = new AtomicLong();
    private final LongAdder reloads = new LongAdder();
    private final LongAdder reloadFailures = new LongAdder();
    private volatile int malformedLines;
    private volatile Object fingerprint;
    private volatile boolean closed;
    private Thread watcher;
    private WatchService watchService;

    public AccessListReloader(AccessList list, Path file, SwarmStore store, boolean watch) {
        this(list, file, store, watch, DEFAULT_POLL_MILLIS);
    }

    /** With {@code pollMillis}, how often the file's fingerprint is checked besides the change events. */
    AccessListReloader(AccessList list, Path file, SwarmStore store, boolean watch, long pollMillis) {
        this.list = Objects.requireNonNull(list);
        this.file = Objects.requireNonNull(file);
        this.store = store;
        this.watch = watch;
        this.pollMillis = pollMillis;
    }

    /** Loads the list once (a whitelist that cannot be read refuses everything), then starts watching. */
    public void start() {
        if (!reload("start-up")) {
            if (list.mode() == AccessList.Mode.WHITELIST) {
                LOG.errorf("WHITELIST %s CANNOT BE READ: starting with an EMPTY whitelist, every torrent is refused "
                        + "until the file appears", file);
            } else {
                LOG.warnf("blacklist %s cannot be read: starting with an empty blacklist", file);
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
     * Reads and swaps in the list. Returns false, keeping the previous list, when the file cannot be
     * read. Serialised: two reloads never race.
     */
    public synchronized boolean reload(String cause) {
        long started = System.nanoTime();
        byte[] content = null;
        Object newFingerprint = null;
        try {
            // A file rewritten in place is briefly empty or half-written: read until it holds still.
            for (int attempt = 1; content == null; attempt++) {
                Object before = fingerprint();
                byte[] read = Files.readAllBytes(file);
                Object after = fingerprint();
                if (before.equals(after)) {
                    content = read;
                    newFingerprint = after;
                } else if (attempt == READ_ATTEMPTS) {
                    throw new IOException("the file kept changing while it was read");
                } else {
                    Thread.sleep(100);
                }
            }
        } catch (IOException | RuntimeException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            reloadFailures.increment();
            String failure = e.toString();
            if (!failure.equals(lastFailure)) { // once per distinct problem, not every poll
                LOG.warnf("access list %s not reloaded (%s): %s; the previous list (%d entries) stays in force",
                        file, cause, failure, list.size());
            }
            lastFailure = failure;
            return false;
        }
        lastFailure = null;
        AccessListFile.Parsed parsed = AccessListFile.parse(content);
        list.replace(parsed.hashes());
        fingerprint = newFingerprint;
        malformedLines = parsed.malformedLines();
        lastReloadEpochMillis.set(System.currentTimeMillis());
        reloads.increment();
        long dropped = store == null ? 0 : store.removeTorrents((h, m, l) -> !list.allows(h, m, l));
        LOG.infof("access list %s loaded (%s): %s mode, %d entries, %d malformed line%s%s, %d torrent%s dropped, %d ms",
                file, cause, list.mode().name().toLowerCase(), parsed.hashes().size(), parsed.malformedLines(),
                parsed.malformedLines() == 1 ? "" : "s",
                parsed.malformedLines() == 0 ? "" : " (first at line " + Arrays.toString(parsed.firstMalformedLineNumbers()) + ")",
                dropped, dropped == 1 ? "" : "s", (System.nanoTime() - started) / 1_000_000);
        return true;
    }

    /** The real file behind any symlinks, its size and time: a ConfigMap swap changes the real path. */
    private Object fingerprint() throws IOException {
        Path real = file.toRealPath();
        BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return java.util.List.of(real.toString(), a.size(), a.lastModifiedTime().toMillis(),
                String.valueOf(a.fileKey()));
    }

    private boolean changedSinceLastLoad() {
        try {
            return !fingerprint().equals(fingerprint);
        } catch (IOException | RuntimeException e) {
            return lastFailure == null; // it was readable and now is not: try (and report) once
        }
    }

    /** Watches the file's directory; null (and polling only) where that is not possible. */
    private WatchService registerWatch() {
        Path directory = file.toAbsolutePath().getParent();
        WatchService service = null;
        try {
            service = FileSystems.getDefault().newWatchService();
            directory.register(service, StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
            return service;
        } catch (IOException | RuntimeException e) {
            LOG.warnf("cannot watch %s (%s): checking the access list every %d ms instead", directory, e, pollMillis);
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

    /** Takes the key's events; whether one of them is about the list file itself (not a sibling entry). */
    private boolean namesFile(WatchKey key) {
        boolean names = false;
        for (java.nio.file.WatchEvent<?> e : key.pollEvents()) {
            names |= file.getFileName().equals(e.context());
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
