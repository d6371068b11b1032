package io.spawnlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CompareCommandTest extends CliTest {
    private Path base() throws Exception {
        return new TestLogs(dir.resolve("fork.hlog"), 1_000_000L)
                .interval("spawn", 0, 100_000_000L, 100_000_000L, 200_000_000L)
                .interval("lock.queue.G.lock", 0, 3, 3)
                .close();
    }

    private Path next() throws Exception {
        return new TestLogs(dir.resolve("posix.hlog"), 2_000_000L)
                .interval("spawn", 0, 2_000_000L, 2_000_000L, 4_000_000L, 4_000_000L)
                .interval("spawn.failed", 0, 1_000_000L)
                .close();
    }

    @Test
    void percentilesSideBySideWithRatios() throws Exception {
        assertEquals(0, run("compare", "--format", "csv", base().toString(), next().toString()));
        String[] lines = out().split("\\R");
        assertEquals("tag,unit,count_base,count_new,p50_base,p50_new,p50_ratio,p90_base,p90_new,p90_ratio,"
                + "p99_base,p99_new,p99_ratio,max_base,max_new,max_ratio", lines[0]);
        String[] spawn = lines[1].split(",");
        assertEquals("spawn", spawn[0]);
        assertEquals("3", spawn[2]);
        assertEquals("4", spawn[3]);
        // p50: 100 ms against 2 ms (HdrHistogram's 2-digit buckets): a ratio of 0.02
        assertEquals("0.02", spawn[6]);
        // a tag in only one of the logs: its other side is empty
        assertTrue(lines[2].startsWith("lock.queue.G.lock,count,2,,3,,,"), lines[2]);
        assertTrue(lines[3].startsWith("spawn.failed,ns,,1,,"), lines[3]);
    }

    @Test
    void theTextTableUsesHumanUnits() throws Exception {
        assertEquals(0, run("compare", "--tag", "spawn", base().toString(), next().toString()));
        String text = out();
        assertTrue(text.startsWith("tag "), text);
        String row = text.split("\\R")[1].replaceAll("\\s+", " ");
        assertTrue(row.startsWith("spawn 3 4 100ms 2.01ms 0.02 "), row);
    }

    @Test
    void needsTwoLogs() throws Exception {
        assertEquals(2, run("compare", base().toString()));
        assertTrue(err().contains("needs exactly two logs"));
    }
}
