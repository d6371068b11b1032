package io.spawnlock.recording;

/** What a tag's values measure; decides how every output shows them. */
public enum Unit {
    NANOS("ns", "ms", "milliseconds", 1e6),
    COUNT("count", "count", "a count", 1),
    BYTES("bytes", "MiB", "MiB", 1 << 20);

    /** The unit of the raw values, as CSV output names it. */
    public final String raw;
    /** The unit of charts and HdrHistogram's .hgrm output, and the divisor that gets there from raw values. */
    public final String scaled;
    /** The scaled unit in words, for headings. */
    public final String scaledInWords;
    public final double scale;

    Unit(String raw, String scaled, String scaledInWords, double scale) {
        this.raw = raw;
        this.scaled = scaled;
        this.scaledInWords = scaledInWords;
        this.scale = scale;
    }
}
