package io.spawnlock.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the sample app says it did, from its summary line. */
final class SampleApp {
    private static final Pattern SUMMARY = Pattern.compile("summary spawns=(\\d+) ok=(\\d+) failed=(\\d+) ");

    final long spawns;
    final long ok;
    final long failed;

    private SampleApp(long spawns, long ok, long failed) {
        this.spawns = spawns;
        this.ok = ok;
        this.failed = failed;
    }

    static SampleApp summary(ForkedJvm.Result r) {
        Matcher m = SUMMARY.matcher(r.stdout);
        assertTrue(m.find(), "no summary line:\n" + r);
        return new SampleApp(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)));
    }
}
