package dev.kubetracker.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TrackerSamplerTest {
    @Test
    void residentSetSizeIsReadInBytesFromProcStatus() {
        String status = "Name:\tjava\nVmPeak:\t 5000000 kB\nVmRSS:\t  123456 kB\nRssAnon:\t  100000 kB\n";
        assertEquals(123_456L * 1024, TrackerSampler.vmRssBytes(status));
    }

    @Test
    void aProcessWithoutResidentSetSizeReadsAsUnknown() {
        assertEquals(-1, TrackerSampler.vmRssBytes("Name:\tkthreadd\nState:\tS (sleeping)\n"));
    }
}
