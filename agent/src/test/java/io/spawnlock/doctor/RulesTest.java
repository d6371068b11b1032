package io.spawnlock.doctor;

import io.spawnlock.os.Facts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every finding the doctor can print, from facts made up for it. */
class RulesTest {
    private static Facts healthy() {
        Facts f = new Facts();
        f.jdkMajor = 17;
        f.launchMechanism = "POSIX_SPAWN";
        f.residentBytes = Facts.GIB;
        f.anonNotHugeBytes = Facts.GIB;
        f.openDescriptors = 20;
        f.descriptorSoftLimit = 1024;
        f.transparentHugePages = "madvise";
        f.overcommit = 0;
        f.clocksource = "tsc";
        return f;
    }

    private static List<String> findings(Facts f) {
        return Rules.check(f).stream().map(Rules.Finding::toString).collect(Collectors.toList());
    }

    @Test
    void aHealthyProcessIsOk() {
        assertEquals(List.of("[ok] nothing in the settings slows spawns: POSIX_SPAWN, 20 open descriptors"), findings(healthy()));
    }

    @Test
    void forkWithABigHeapCostsFortyMillisecondsPerGib() {
        Facts f = healthy();
        f.launchMechanism = "FORK";
        f.anonNotHugeBytes = 8 * Facts.GIB;
        List<String> found = findings(f);
        assertEquals(1, found.size(), found.toString());
        assertTrue(found.get(0).startsWith("[warn] FORK with 8.0 GiB of anonymous memory not on huge pages: each spawn"
                + " copies its page tables (~320 ms per spawn here"), found.get(0));
        assertTrue(found.get(0).contains("advice: use POSIX_SPAWN"), found.get(0));
    }

    @Test
    void forkWithASmallHeapOrOnHugePagesIsFine() {
        Facts f = healthy();
        f.launchMechanism = "FORK";
        f.anonNotHugeBytes = Facts.GIB / 20;
        assertEquals("[ok]", findings(f).get(0).substring(0, 4));
    }

    @Test
    void forkWithoutTransparentHugePagesSaysSo() {
        Facts f = healthy();
        f.launchMechanism = "FORK";
        f.anonNotHugeBytes = 2 * Facts.GIB;
        f.transparentHugePages = "never";
        assertTrue(findings(f).get(1).startsWith("[note] transparent huge pages are off"), findings(f).toString());
    }

    @Test
    void forkUnderStrictOvercommitFails() {
        Facts f = healthy();
        f.launchMechanism = "FORK";
        f.anonNotHugeBytes = 0;
        f.overcommit = 2;
        assertTrue(findings(f).get(0).startsWith("[warn] FORK with vm.overcommit_memory=2"), findings(f).toString());
    }

    @Test
    void vforkIsDeprecatedAndWarnedAboutOnJdk25() {
        Facts f = healthy();
        f.launchMechanism = "VFORK";
        assertTrue(findings(f).get(0).startsWith("[note] VFORK is deprecated\n"), findings(f).toString());
        f.jdkMajor = 25;
        assertTrue(findings(f).get(0).startsWith("[warn] VFORK is deprecated on JDK 25, which prints a warning"),
                findings(f).toString());
    }

    @Test
    void manyDescriptorsSlowEverySpawn() {
        Facts f = healthy();
        f.descriptorSoftLimit = 1_000_000;
        f.openDescriptors = 20_000;
        assertTrue(findings(f).get(0).startsWith("[warn] 20000 open descriptors: the child of every spawn closes each"
                + " before exec, ~56 ms per spawn"), findings(f).toString());
        f.openDescriptors = 1500;
        assertTrue(findings(f).get(0).startsWith("[note] 1500 open descriptors"), findings(f).toString());
    }

    @Test
    void descriptorsNearTheLimitMakeSpawnsFail() {
        Facts f = healthy();
        f.openDescriptors = 900;
        f.descriptorSoftLimit = 1024;
        assertTrue(findings(f).get(0).startsWith("[warn] 900 of 1024 descriptors are open"), findings(f).toString());
    }

    @Test
    void aSlowClocksourceIsNoted() {
        Facts f = healthy();
        f.clocksource = "hpet";
        assertTrue(findings(f).get(0).startsWith("[note] clocksource hpet"), findings(f).toString());
    }
}
