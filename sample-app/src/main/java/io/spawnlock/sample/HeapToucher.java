package io.spawnlock.sample;

/** Makes heap resident: FORK copies page tables only for memory that is actually mapped. */
final class HeapToucher {
    private static final int CHUNK = 64 << 20;
    private static final int PAGE = 4096;

    private HeapToucher() {}

    static byte[][] touch(long bytes) {
        int chunks = (int) ((bytes + CHUNK - 1) / CHUNK);
        byte[][] heap = new byte[chunks][];
        for (int c = 0; c < chunks; c++) {
            heap[c] = new byte[CHUNK];
            for (int i = 0; i < CHUNK; i += PAGE) {
                heap[c][i] = 1;
            }
        }
        return heap;
    }
}
