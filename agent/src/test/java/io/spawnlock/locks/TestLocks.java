package io.spawnlock.locks;

/** For tests of other packages: a spawn lock made as discovery makes one, without a class to rewrite. */
public final class TestLocks {
    private TestLocks() {}

    /** Makes {@code lock}, acquired in {@code internalClassName}, a spawn lock; its id. */
    public static int add(SpawnLocks locks, String internalClassName, String lock) {
        if (!locks.addAcquired(internalClassName, lock)) {
            throw new IllegalStateException(lock + " not added");
        }
        for (int id = 0; id < locks.count(); id++) {
            if (lock.equals(locks.name(id))) {
                return id;
            }
        }
        throw new IllegalStateException(lock + " has no id");
    }
}
