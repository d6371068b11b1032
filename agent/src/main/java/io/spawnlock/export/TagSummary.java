package io.spawnlock.export;

import io.spawnlock.recording.Tags;
import java.beans.ConstructorProperties;
import org.HdrHistogram.Histogram;

/** One tag's values since start, as JMX clients show it (an MXBean composite: plain getters). */
public final class TagSummary {
    private final String tag;
    private final String unit;
    private final long count;
    private final long p50;
    private final long p99;
    private final long max;
    private final double mean;

    @ConstructorProperties({"tag", "unit", "count", "p50", "p99", "max", "mean"})
    public TagSummary(String tag, String unit, long count, long p50, long p99, long max, double mean) {
        this.tag = tag;
        this.unit = unit;
        this.count = count;
        this.p50 = p50;
        this.p99 = p99;
        this.max = max;
        this.mean = mean;
    }

    static TagSummary of(String tag, Histogram h) {
        return new TagSummary(tag, Tags.unitOf(tag).raw, h.getTotalCount(), h.getValueAtPercentile(50),
                h.getValueAtPercentile(99), h.getMaxValue(), h.getMean());
    }

    public String getTag() {
        return tag;
    }

    /** ns, count or bytes: the unit of p50, p99, max and mean. */
    public String getUnit() {
        return unit;
    }

    public long getCount() {
        return count;
    }

    public long getP50() {
        return p50;
    }

    public long getP99() {
        return p99;
    }

    public long getMax() {
        return max;
    }

    public double getMean() {
        return mean;
    }
}
