package io.spawnlock.locks;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WalkPacerTest {
    private static final long MS = 1_000_000L;

    @Test
    void oneSpawnPerGapWalks() {
        WalkPacer p = new WalkPacer(0);
        assertTrue(p.claim(0));
        assertFalse(p.claim(0), "the next spawn in the same instant does not walk");
        assertFalse(p.claim(4 * MS));
        assertTrue(p.claim(5 * MS), "the fastest pace: every 5 ms");
    }

    @Test
    void walksThatFindNothingNewSlowDownToTheSlowestPaceAndANewSiteBringsBackTheFastest() {
        WalkPacer p = new WalkPacer(0);
        long now = 0;
        long[] expectedGaps = {10, 20, 40, 80, 160, 320, 640, 1000, 1000};
        for (long gap : expectedGaps) {
            assertTrue(p.claim(now));
            p.walked(now, false);
            assertFalse(p.claim(now + gap * MS - 1), "gap " + gap + " ms");
            now += gap * MS;
        }
        assertTrue(p.claim(now));
        p.walked(now, true); // found a new call site
        assertFalse(p.claim(now + 4 * MS));
        assertTrue(p.claim(now + 5 * MS), "back to every 5 ms");
    }
}
