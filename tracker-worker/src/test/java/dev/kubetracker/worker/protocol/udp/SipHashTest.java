package dev.kubetracker.worker.protocol.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SipHashTest {
    // Expected values from OpenSSL's SIPHASH MAC (c=2, d=4, 8-byte output), read little-endian:
    //   openssl mac -macopt hexkey:000102030405060708090a0b0c0d0e0f -macopt size:8 -in <bytes 00..17> SIPHASH
    @Test
    void matchesReferenceForTwentyFourBytesOfCountingKeyAndMessage() {
        SipHash h = new SipHash(0x0706050403020100L, 0x0f0e0d0c0b0a0908L);
        assertEquals(0xb8ad50c6f649af94L, h.hash(0x0706050403020100L, 0x0f0e0d0c0b0a0908L, 0x1716151413121110L));
    }

    @Test
    void matchesReferenceForAsciiMessage() {
        // key 00112233445566778899aabbccddeeff, message "abcdefghijklmnopqrstuvwx"
        SipHash h = new SipHash(0x7766554433221100L, 0xffeeddccbbaa9988L);
        assertEquals(0x3e475f29954a1197L, h.hash(0x6867666564636261L, 0x706f6e6d6c6b6a69L, 0x7877767574737271L));
    }
}
