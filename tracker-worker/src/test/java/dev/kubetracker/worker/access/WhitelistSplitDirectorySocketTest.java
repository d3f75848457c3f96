package dev.kubetracker.worker.access;

import static dev.kubetracker.worker.access.AccessListProfiles.ALLOWED;
import static dev.kubetracker.worker.access.AccessListProfiles.LATER_REFUSED;
import static dev.kubetracker.worker.access.AccessListSupport.announce;
import static dev.kubetracker.worker.access.AccessListSupport.awaitRefused;
import static dev.kubetracker.worker.access.AccessListSupport.refusedOverHttp;
import static dev.kubetracker.worker.access.AccessListSupport.udpAnnounceError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.worker.testing.Await;
import dev.kubetracker.worker.testing.TestWorker;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(AccessListProfiles.WhitelistSplitDirectory.class)
class WhitelistSplitDirectorySocketTest {
    static final String NEWCOMER = "4444444444444444444444444444444444444444";
    private static final Pattern DIGEST = Pattern.compile("tracker_access_list_info\\{digest=\"([0-9a-f]{64})\"} 1\\.0");

    private static String loadedDigest() throws Exception {
        Matcher m = DIGEST.matcher(TestWorker.metrics());
        assertTrue(m.find(), "the loaded list's digest is exported");
        String digest = m.group(1);
        assertFalse(m.find(), "one digest only: the previous one is gone");
        return digest;
    }

    /** The metric follows a reload just after the list is swapped in: a scrape in between sees the old row. */
    private static String awaitDigestOtherThan(String previous) throws Exception {
        Await.until("the new list's digest exported, and only it", Duration.ofSeconds(10), () -> {
            Matcher m = DIGEST.matcher(TestWorker.metrics());
            return m.find() && !m.group(1).equals(previous) && !m.find();
        });
        return loadedDigest();
    }

    @Test
    void aListSplitOverAPlainAndAGzippedFileIsEnforcedAndACorruptGzipKeepsIt() throws Exception {
        assertEquals(200, announce(ALLOWED, 30001, 1).status());
        assertFalse(refusedOverHttp(ALLOWED), "from the plain file");
        assertFalse(refusedOverHttp(LATER_REFUSED), "from the gzipped file");
        assertEquals(AccessList.REFUSAL, udpAnnounceError(NEWCOMER));
        assertTrue(TestWorker.metrics().contains("tracker_access_list_entries{mode=\"whitelist\"} 2.0"));
        String first = loadedDigest();

        Path gzipped = AccessListProfiles.WhitelistSplitDirectory.DIR.resolve("gzipped-configmap").resolve("list.gz");
        byte[] next = AccessListMergeTest.gzip(LATER_REFUSED + "\n" + NEWCOMER + "\n");
        Files.write(gzipped, Arrays.copyOf(next, next.length - 4)); // truncated: the trailer is missing
        Await.until("the failed reload counted", Duration.ofSeconds(10),
                () -> TestWorker.metrics().contains("tracker_access_list_reload_failures_total 1.0"));
        assertTrue(refusedOverHttp(NEWCOMER), "nothing of the truncated file got in");
        assertFalse(refusedOverHttp(LATER_REFUSED), "the previous list stays");
        assertEquals(first, loadedDigest());

        Files.write(gzipped, next);
        awaitRefused(NEWCOMER, false);
        assertFalse(refusedOverHttp(ALLOWED));
        assertNotEquals(first, awaitDigestOtherThan(first));
        assertTrue(TestWorker.metrics().contains("tracker_access_list_entries{mode=\"whitelist\"} 3.0"));
    }
}
