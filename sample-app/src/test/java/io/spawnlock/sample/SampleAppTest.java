package io.spawnlock.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The app's own count is what end-to-end tests compare the agent with, so it must be exact. */
class SampleAppTest {
    @Test
    void countsEverySpawnAndEveryFailure() throws Exception {
        for (SampleOptions.LockMode mode : SampleOptions.LockMode.values()) {
            SampleOptions o = SampleOptions.parse(new String[] {"--threads", "3", "--spawns", "6", "--fail-every", "3",
                "--lock", mode.name()});
            SampleApp.Result r = SampleApp.run(o);
            assertEquals(18, r.spawns(), mode.name());
            assertEquals(6, r.failed, mode.name());
            assertEquals(12, r.ok, mode.name());
            assertTrue(r.unexpected.isEmpty(), r.unexpected.toString());
            String summary = r.describe(o);
            assertTrue(summary.contains("summary spawns=18 ok=12 failed=6 "), summary);
            assertTrue(r.cpuMillis >= 0 && r.childrenCpuMillis >= 0, "this is Linux: /proc/self/stat is there");
            assertTrue(summary.contains("cpu during the run: this process " + r.cpuMillis + " ms, its children "
                    + r.childrenCpuMillis + " ms"), summary);
        }
    }

    @Test
    void runtimeExecModeSpawnsToo() throws Exception {
        SampleApp.Result r = SampleApp.run(SampleOptions.parse(new String[] {"--threads", "1", "--spawns", "2", "--exec"}));
        assertEquals(2, r.ok);
    }
}
