package io.spawnlock.export;

import io.spawnlock.dumps.Dumps;
import io.spawnlock.recording.Recording;
import io.spawnlock.recording.Tags;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.management.JMException;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import org.HdrHistogram.Histogram;

/**
 * The MBean {@code io.spawnlock:type=Spawnlock}, registered in the platform MBean server (no connector, no
 * port) once the JVM has an MBean server at all.
 */
public final class Spawnlock implements SpawnlockMXBean {
    public static final String NAME = "io.spawnlock:type=Spawnlock";

    private final Recording recording;
    private final Dumps dumps;

    public Spawnlock(Recording recording, Dumps dumps) {
        this.recording = recording;
        this.dumps = dumps;
    }

    /**
     * Registers this MBean in the platform MBean server if the JVM has made an MBean server already (the
     * platform one is made through {@link MBeanServerFactory#createMBeanServer}, so it is listed); false,
     * and nothing created, otherwise. A clash is an exception the caller reports.
     */
    public boolean registerIfAServerExists() throws JMException {
        if (MBeanServerFactory.findMBeanServer(null).isEmpty()) {
            return false;
        }
        ManagementFactory.getPlatformMBeanServer().registerMBean(this, new ObjectName(NAME));
        return true;
    }

    @Override
    public List<TagSummary> getTags() {
        return recording.readSinceStart(byTag -> {
            List<TagSummary> rows = new ArrayList<>();
            for (Map.Entry<String, Histogram> e : byTag.entrySet()) {
                rows.add(TagSummary.of(e.getKey(), e.getValue()));
            }
            return rows;
        });
    }

    @Override
    public long getSpawns() {
        return recording.readSinceStart(byTag -> count(byTag.get(Tags.SPAWN)) + count(byTag.get(Tags.SPAWN_FAILED)));
    }

    @Override
    public String dump() {
        return dumps == null ? "not written: the agent is not measuring"
                : dumps.requestAndWait("JMX dump()", TimeUnit.SECONDS.toNanos(10));
    }

    private static long count(Histogram h) {
        return h == null ? 0 : h.getTotalCount();
    }
}
