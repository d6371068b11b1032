package io.spawnlock.agent;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LauncherTest {
    @Test
    void theOptionsThatMustActBeforeMainAreKeysNotSubstrings() {
        assertTrue(Launcher.startsInPremain("strict=true"));
        assertTrue(Launcher.startsInPremain("log=x.hlog, locks=com.acme.Gate.LOCK"));
        assertTrue(Launcher.startsInPremain("spawns=com.acme.Launcher#launch"));
        assertTrue(Launcher.startsInPremain("strict"), "a key without a value is still a bad option to stop on");
        assertFalse(Launcher.startsInPremain(null));
        assertFalse(Launcher.startsInPremain("log=/var/locks/spawns-strict.hlog,interval=1s"));
    }
}
