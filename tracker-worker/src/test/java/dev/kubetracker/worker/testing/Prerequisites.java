package dev.kubetracker.worker.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The one rule for tests that need something outside the build (a Debian package, a packaged jar):
 * when it is missing the test is skipped with a message saying what to install, except under
 * {@code CI=true} (set by CI and by {@code .ci/run}), where a missing prerequisite fails the test, so
 * that CI never passes by skipping.
 */
public final class Prerequisites {
    private Prerequisites() {
    }

    public static boolean underCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** @param whatToDo what is missing and how to get it, e.g. "aria2 is not installed: apt-get install aria2" */
    public static void require(boolean present, String whatToDo) {
        if (present) {
            return;
        }
        if (underCi()) {
            Assertions.fail(whatToDo + " (CI=true: a missing prerequisite fails the test)");
        }
        Assumptions.abort(whatToDo);
    }
}
