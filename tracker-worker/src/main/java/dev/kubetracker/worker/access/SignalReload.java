package dev.kubetracker.worker.access;

import org.jboss.logging.Logger;
import sun.misc.Signal;

/**
 * SIGHUP reloads the access list, as it does for opentracker. (Installing the handler also stops
 * SIGHUP from shutting the JVM down, which is what an operator sending it wants.)
 */
public final class SignalReload {
    private static final Logger LOG = Logger.getLogger(SignalReload.class);
    private static volatile Runnable action;
    private static boolean installed;

    private SignalReload() {
    }

    public static synchronized void onHangup(Runnable reload) {
        action = reload;
        if (installed) {
            return;
        }
        try {
            Signal.handle(new Signal("HUP"), signal -> {
                Runnable current = action;
                if (current != null) {
                    // Off the signal thread: a reload reads files and walks the store.
                    Thread t = new Thread(current, "access-list-sighup");
                    t.setDaemon(true);
                    t.start();
                }
            });
            installed = true;
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            LOG.warnf("SIGHUP cannot be handled here (%s): reload the access list by changing its file", e.getMessage());
        }
    }

    static void clear() {
        action = null;
    }
}
