package io.spawnlock.locks;

import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/** What to instrument in one class, by kind: each kind maps a key to a spawn lock id. Immutable. */
final class ClassLocks {
    enum Kind {
        /** key: lock name; the monitors and Locks of that name acquired in the class */
        ACQUIRED,
        /** key: method name + descriptor; a synchronized method that is a spawn lock */
        SYNCHRONIZED_METHOD,
        /** key: owner internal name + "." + method name + descriptor; calls to such a method */
        CALL_TO_SYNCHRONIZED,
        /**
         * key: method name + descriptor; a SYNCHRONIZED_METHOD that the class's first load turned into a block
         * ({@link SynchronizedToBlock}): its wait is timed inside, and every rewrite of the class does it again
         */
        SYNCHRONIZED_AS_BLOCK
    }

    static final ClassLocks NONE = new ClassLocks(new EnumMap<Kind, Map<String, Integer>>(Kind.class));

    private final EnumMap<Kind, Map<String, Integer>> byKind;

    private ClassLocks(EnumMap<Kind, Map<String, Integer>> byKind) {
        this.byKind = byKind;
    }

    Map<String, Integer> get(Kind kind) {
        Map<String, Integer> m = byKind.get(kind);
        return m == null ? Collections.<String, Integer>emptyMap() : m;
    }

    ClassLocks with(Kind kind, String key, int id) {
        EnumMap<Kind, Map<String, Integer>> next = new EnumMap<>(byKind);
        Map<String, Integer> entries = new HashMap<>(get(kind));
        entries.put(key, id);
        next.put(kind, Collections.unmodifiableMap(entries));
        return new ClassLocks(next);
    }
}
