package io.spawnlock.cli;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.HdrHistogram.Histogram;

/**
 * One interval's histogram as the CLI reads it: only its non-zero counts, by index. HdrHistogram's own
 * decoder builds a whole histogram per interval (tens of KB to allocate, zero and scan for the range of a
 * spawn time, with a new Inflater each time), which made the time series of a million intervals take
 * minutes; reading the counts straight from the encoding, with one reused Inflater, takes microseconds.
 * What it answers (counts, percentiles, max, sums into a total) is what a decoded Histogram answers, value
 * for value (CountsTest holds it to HdrHistogram's own). Encodings other than the current one (V2, not
 * shifted, integer values) are handed to HdrHistogram's decoder.
 *
 * <p>The V2 encoding, as HdrHistogram defines it: {@code int cookie, int length} and then, deflated,
 * {@code int cookie, int payloadLength, int normalizingIndexOffset, int significantDigits,
 * long lowestDiscernibleValue, long highestTrackableValue, double integerToDoubleRatio} and the payload:
 * ZigZag LEB128 longs, each a count at the next index or, negative, a run of that many zero counts.
 */
final class Counts {
    private static final int COMPRESSED_V2 = 0x1c849304;
    private static final int V2 = 0x1c849303;
    private static final int HEADER_BYTES = 40;
    private static final int MAX_SHAPES = 16;

    /** Decodes encodings one after the other, reusing its buffers; not thread-safe. */
    static final class Decoder implements java.io.Closeable {
        private final Inflater inflater = new Inflater();
        private final byte[] header = new byte[HEADER_BYTES];
        private byte[] payload = new byte[4096];
        private final Map<Shape.Key, Shape> shapes = new HashMap<>();

        /** The counts of one compressed histogram; IllegalArgumentException or DataFormatException if corrupt. */
        Counts decode(byte[] compressed) throws DataFormatException {
            ByteBuffer in = ByteBuffer.wrap(compressed);
            if (compressed.length < 8 || (in.getInt() & ~0xf0) != COMPRESSED_V2) {
                return whole(compressed);
            }
            int length = in.getInt();
            if (length < 0 || length > compressed.length - 8) {
                throw new IllegalArgumentException("compressed length beyond the data");
            }
            inflater.reset();
            inflater.setInput(compressed, 8, length);
            if (inflate(header, HEADER_BYTES) < HEADER_BYTES) {
                throw new IllegalArgumentException("a truncated header");
            }
            ByteBuffer h = ByteBuffer.wrap(header);
            int cookie = h.getInt();
            int payloadLength = h.getInt();
            int normalizingIndexOffset = h.getInt();
            int digits = h.getInt();
            long lowest = h.getLong();
            long highest = h.getLong();
            double ratio = h.getDouble();
            if ((cookie & ~0xf0) != V2 || normalizingIndexOffset != 0 || ratio != 1.0) {
                return whole(compressed);
            }
            Shape shape = shape(lowest, highest, digits);
            if (payloadLength < 0) {
                throw new IllegalArgumentException("a negative payload length");
            }
            int expected = Math.min(payloadLength, shape.maxPayloadBytes);
            if (payload.length < expected) {
                payload = new byte[Math.max(expected, 2 * payload.length)];
            }
            int got = inflate(payload, expected);
            if (got < payloadLength) {
                throw new IllegalArgumentException("the payload is shorter than its header says");
            }
            return shape.read(payload, expected);
        }

        /** Lets the Inflater's native memory go now, not when the collector gets to it. */
        @Override
        public void close() {
            inflater.end();
        }

        private int inflate(byte[] into, int length) throws DataFormatException {
            int n = 0;
            while (n < length) {
                int got = inflater.inflate(into, n, length - n);
                if (got == 0) {
                    break; // the end of the data (or it needs more than there is)
                }
                n += got;
            }
            return n;
        }

        private Shape shape(long lowest, long highest, int digits) {
            Shape.Key key = new Shape.Key(lowest, highest, digits);
            Shape s = shapes.get(key);
            if (s == null) {
                if (shapes.size() >= MAX_SHAPES) {
                    shapes.clear(); // bounded, whatever a log holds
                }
                s = new Shape(lowest, highest, digits); // HdrHistogram's checks of the three, on its constructor
                shapes.put(key, s);
            }
            return s;
        }

        private static Counts whole(byte[] compressed) throws DataFormatException {
            return new Counts(Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(compressed), 0));
        }
    }

    /** A histogram's layout: from index to value, as HdrHistogram lays its counts out. */
    private static final class Shape {
        private static final class Key {
            final long lowest;
            final long highest;
            final int digits;

            Key(long lowest, long highest, int digits) {
                this.lowest = lowest;
                this.highest = highest;
                this.digits = digits;
            }

            @Override
            public boolean equals(Object o) {
                return o instanceof Key && ((Key) o).lowest == lowest && ((Key) o).highest == highest
                        && ((Key) o).digits == digits;
            }

            @Override
            public int hashCode() {
                return Long.hashCode(lowest) * 31 + Long.hashCode(highest) * 17 + digits;
            }
        }

        /** For the value equivalence only; its counts are never touched. */
        final Histogram template;
        final int unitMagnitude;
        final int subBucketHalfCountMagnitude;
        final int subBucketHalfCount;
        final int countsLength;
        final int maxPayloadBytes;

        Shape(long lowest, long highest, int digits) {
            template = new Histogram(lowest, highest, digits);
            long largestSingleUnit = 2 * (long) Math.pow(10, digits);
            unitMagnitude = (int) (Math.log(lowest) / Math.log(2));
            int subBucketCountMagnitude = (int) Math.ceil(Math.log(largestSingleUnit) / Math.log(2));
            subBucketHalfCountMagnitude = subBucketCountMagnitude - 1;
            int subBucketCount = 1 << subBucketCountMagnitude;
            subBucketHalfCount = subBucketCount / 2;
            long smallestUntrackable = ((long) subBucketCount) << unitMagnitude;
            int buckets = 1;
            while (smallestUntrackable <= highest) {
                if (smallestUntrackable > Long.MAX_VALUE / 2) {
                    buckets++;
                    break;
                }
                smallestUntrackable <<= 1;
                buckets++;
            }
            countsLength = (buckets + 1) * subBucketHalfCount;
            maxPayloadBytes = countsLength * Long.BYTES; // as HdrHistogram bounds what it reads
        }

        long valueFromIndex(int index) {
            int bucket = (index >> subBucketHalfCountMagnitude) - 1;
            int subBucket = (index & (subBucketHalfCount - 1)) + subBucketHalfCount;
            if (bucket < 0) {
                subBucket -= subBucketHalfCount;
                bucket = 0;
            }
            return ((long) subBucket) << (bucket + unitMagnitude);
        }

        Counts read(byte[] bytes, int length) {
            int[] indexes = new int[16];
            long[] counts = new long[16];
            int size = 0;
            long total = 0;
            int index = 0;
            int at = 0;
            while (at < length) {
                long raw = 0;
                int shift = 0;
                long b;
                do { // LEB128: 7 bits a byte, the 9th byte whole
                    if (at >= length) {
                        throw new IllegalArgumentException("a count cut short");
                    }
                    b = bytes[at++];
                    raw |= shift == 56 ? b << 56 : (b & 0x7f) << shift;
                    shift += 7;
                } while ((b & 0x80) != 0 && shift <= 56);
                long count = (raw >>> 1) ^ -(raw & 1);
                if (count < 0) {
                    if (-count > Integer.MAX_VALUE) {
                        throw new IllegalArgumentException("a run of zeros beyond any histogram");
                    }
                    index += (int) -count;
                    continue;
                }
                if (index >= countsLength) {
                    throw new IndexOutOfBoundsException("a count beyond the histogram's range");
                }
                if (count > 0) {
                    if (size == indexes.length) {
                        indexes = java.util.Arrays.copyOf(indexes, 2 * size);
                        counts = java.util.Arrays.copyOf(counts, 2 * size);
                    }
                    indexes[size] = index;
                    counts[size++] = count;
                    total += count;
                }
                index++;
            }
            return new Counts(this, indexes, counts, size, total);
        }
    }

    private final Shape shape;
    private final int[] indexes;
    private final long[] counts;
    private final int size;
    private final long total;
    /** The decoded histogram, for an encoding read by HdrHistogram; null otherwise. */
    private final Histogram whole;

    private Counts(Shape shape, int[] indexes, long[] counts, int size, long total) {
        this.shape = shape;
        this.indexes = indexes;
        this.counts = counts;
        this.size = size;
        this.total = total;
        this.whole = null;
    }

    private Counts(Histogram whole) {
        this.shape = null;
        this.indexes = null;
        this.counts = null;
        this.size = 0;
        this.total = whole.getTotalCount();
        this.whole = whole;
    }

    /** The counts of {@code h}, through its encoding (for tests and the few places that hold a Histogram). */
    static Counts of(Histogram h) {
        ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int length = h.encodeIntoCompressedByteBuffer(buffer);
        try (Decoder decoder = new Decoder()) {
            return decoder.decode(java.util.Arrays.copyOf(buffer.array(), length));
        } catch (DataFormatException e) {
            throw new IllegalStateException(e); // HdrHistogram's own encoding
        }
    }

    /** The number of values recorded, as {@link Histogram#getTotalCount} (negative when they overflow 64 bits). */
    long totalCount() {
        return total;
    }

    /** As {@link Histogram#getMaxValue}. */
    long maxValue() {
        if (whole != null) {
            return whole.getMaxValue();
        }
        if (size == 0) { // HdrHistogram keeps the unit's mask as the max of an empty histogram
            long mask = (1L << shape.unitMagnitude) - 1;
            return mask == 0 ? 0 : shape.template.highestEquivalentValue(mask);
        }
        return shape.template.highestEquivalentValue(shape.valueFromIndex(indexes[size - 1]));
    }

    /** As {@link Histogram#getValueAtPercentile}. */
    long valueAtPercentile(double percentile) {
        if (whole != null) {
            return whole.getValueAtPercentile(percentile);
        }
        double requested = Math.min(Math.max(Math.nextAfter(percentile, Double.NEGATIVE_INFINITY), 0.0D), 100.0D);
        long countAtPercentile = Math.max((long) Math.ceil((requested * total) / 100.0D), 1);
        long sum = 0;
        for (int i = 0; i < size; i++) {
            sum += counts[i];
            if (sum >= countAtPercentile) {
                long value = shape.valueFromIndex(indexes[i]);
                return percentile == 0.0 ? shape.template.lowestEquivalentValue(value)
                        : shape.template.highestEquivalentValue(value);
            }
        }
        return 0;
    }

    /** Adds these counts to {@code sum}, as {@link Histogram#add} does. */
    void addTo(Histogram sum) {
        if (whole != null) {
            sum.add(whole);
            return;
        }
        for (int i = 0; i < size; i++) {
            sum.recordValueWithCount(shape.valueFromIndex(indexes[i]), counts[i]);
        }
    }
}
