package io.spawnlock.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FactsTest {
    @Test
    void minorFaultsAreTheTenthFieldEvenWithParenthesesInTheName() {
        String stat = "4242 (a (b) c) S 1 4242 4242 0 -1 4194560 81234 0 0 0 12 3 0 0 20 0 30 0 100 0 0";
        assertEquals(81234, Facts.minorFaults(stat));
        assertEquals(-1, Facts.minorFaults("garbage"));
    }

    @Test
    void thisProcessHasMemoryDescriptorsAndFaults() {
        Facts f = Facts.ofThisProcess();
        assertTrue(f.residentBytes > 1 << 20, "resident " + f.residentBytes);
        assertTrue(f.anonNotHugeBytes > 0 && f.anonNotHugeBytes <= f.residentBytes, "anon " + f.anonNotHugeBytes);
        assertTrue(f.openDescriptors >= 3, "descriptors " + f.openDescriptors);
        assertTrue(f.descriptorSoftLimit >= f.openDescriptors, "limit " + f.descriptorSoftLimit);
        assertTrue(f.minorFaults > 0, "faults " + f.minorFaults);
    }
}
