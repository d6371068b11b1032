package io.spawnlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** Counts against HdrHistogram's own decoder: the same answers, value for value, for every shape. */
class CountsTest {
    private static byte[] encode(Histogram h) {
        ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        return Arrays.copyOf(buffer.array(), h.encodeIntoCompressedByteBuffer(buffer));
    }

    private static final double[] PERCENTILES = {0, 0.1, 1, 25, 50, 90, 99, 99.9, 99.99, 100};

    @Test
    void answersAsHdrHistogramDoesForManyShapes() throws Exception {
        Random random = new Random(11);
        Counts.Decoder decoder = new Counts.Decoder();
        Histogram ourTotal = new Histogram(2);
        Histogram theirTotal = new Histogram(2);
        for (int i = 0; i < 3000; i++) {
            int digits = 1 + random.nextInt(5);
            long lowest = random.nextBoolean() ? 1 : 1 + random.nextInt(2000);
            long highest = Math.max(2 * lowest, (long) Math.pow(10, 3 + random.nextInt(15)));
            Histogram h = new Histogram(lowest, highest, digits);
            int values = random.nextInt(i % 10 == 0 ? 5000 : 60);
            for (int v = 0; v < values; v++) {
                long value = (long) Math.exp(random.nextDouble() * Math.log(highest));
                h.recordValueWithCount(Math.min(value, highest), 1 + (random.nextInt(20) == 0 ? random.nextInt(1_000_000) : 0));
            }
            if (i % 50 == 0) {
                try {
                    h.shiftValuesLeft(1); // a shifted histogram: HdrHistogram's decoder reads that one
                } catch (ArrayIndexOutOfBoundsException tooHigh) {
                    // values near the top cannot shift: this one stays as it is
                }
            }
            byte[] bytes = encode(h);
            Counts ours = decoder.decode(bytes);
            Histogram theirs = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), 0);
            String shape = "histogram " + i + " (" + lowest + ".." + highest + ", " + digits + " digits, " + values + " values)";
            assertEquals(theirs.getTotalCount(), ours.totalCount(), shape);
            assertEquals(theirs.getMaxValue(), ours.maxValue(), shape);
            for (double p : PERCENTILES) {
                assertEquals(theirs.getValueAtPercentile(p), ours.valueAtPercentile(p), shape + " at p" + p);
            }
            if (digits >= 2) {
                ours.addTo(ourTotal);
                theirTotal.add(theirs);
            }
        }
        assertEquals(theirTotal, ourTotal, "sums into a total exactly as Histogram.add");
        assertEquals(theirTotal.getMean(), ourTotal.getMean());
        assertEquals(theirTotal.getMinValue(), ourTotal.getMinValue());
    }

    @Test
    void corruptEncodingsFailAsHdrHistogramsOwnOrAnswerTheSame() {
        Random random = new Random(3);
        Counts.Decoder decoder = new Counts.Decoder();
        Histogram h = new Histogram(3_600_000_000_000L, 2);
        for (int v = 1; v < 200; v++) {
            h.recordValue(v * 12_345L);
        }
        byte[] good = encode(h);
        int bothFailed = 0;
        for (int trial = 0; trial < 5000; trial++) {
            byte[] bad = good.clone();
            if (trial % 3 == 0) {
                bad = Arrays.copyOf(bad, random.nextInt(bad.length));
            } else {
                for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                    bad[random.nextInt(bad.length)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            Counts ours = null;
            Histogram theirs = null;
            try {
                ours = decoder.decode(bad);
            } catch (IllegalArgumentException | DataFormatException | IndexOutOfBoundsException
                     | java.nio.BufferUnderflowException e) {
                // what LogReader reports as a histogram that does not decode
            }
            try {
                theirs = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bad), 0);
            } catch (Exception e) {
                // HdrHistogram's own refusal
            }
            if (ours == null && theirs == null) {
                bothFailed++;
            } else if (ours != null && theirs != null) {
                assertEquals(theirs.getTotalCount(), ours.totalCount(), "trial " + trial);
                assertEquals(theirs.getValueAtPercentile(50), ours.valueAtPercentile(50), "trial " + trial);
            }
            // one refusing what the other reads is possible at the edges; neither may throw anything else
        }
        assertTrue(bothFailed > 1000, "corruption was seen: " + bothFailed);
    }

    @Test
    void intervalOffsetsPrintAsTheFormatterPrintsThem() {
        for (long ms = -3_000; ms <= 3_000; ms++) {
            assertEquals(String.format(Locale.ROOT, "%.1f", ms / 1e3), IntervalTable.tenths(ms), ms + " ms");
        }
        for (long ms : new long[] {86_399_950L, 1_234_567_850L, Long.MAX_VALUE / 1000}) {
            assertEquals(String.format(Locale.ROOT, "%.1f", ms / 1e3), IntervalTable.tenths(ms), ms + " ms");
        }
        // the csv series' offsets and lengths, in seconds with three decimals
        for (long ms = -3_000; ms <= 3_000; ms++) {
            assertEquals(String.format(Locale.ROOT, "%.3f", ms / 1e3),
                    io.spawnlock.recording.Units.fixed(new StringBuilder(), ms, 1000, 3).toString(), ms + " ms");
        }
        for (long ms : new long[] {86_399_999L, 1_234_567_891L, 1_700_000_000_123L}) {
            assertEquals(String.format(Locale.ROOT, "%.3f", ms / 1e3),
                    io.spawnlock.recording.Units.fixed(new StringBuilder(), ms, 1000, 3).toString(), ms + " ms");
        }
    }
}
