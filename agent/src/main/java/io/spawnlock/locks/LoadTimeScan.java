package io.spawnlock.locks;

import io.spawnlock.agent.ConstantPool;
import io.spawnlock.bytecode.ClassRewrite;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The load-time pass: reads a class as it loads and finds the locks it holds around spawns, so they are
 * measured from their first acquisition, in methods that never return (a worker's loop) as in per-call ones.
 *
 * <p>A call spawns when it calls a JDK spawn entry point, a method of the same class that spawns, or an
 * application method known to spawn ({@link SpawnCalls}). A call into the application made while a lock
 * is held (or from a method only reached under one) is read ahead: the callee's class file is read from
 * the loader, without loading it, and its calls are followed the same way, {@link #LOOKAHEAD_DEPTH}
 * classes deep. What is found is learnt, so classes loaded later that call it are found too.
 */
final class LoadTimeScan {
    static final int LOOKAHEAD_DEPTH = 3;
    /** Class files read ahead for one loaded class at most: the rest is left to discovery. */
    static final int MAX_READS_PER_CLASS = 8;
    private static final int MAX_SUPER_CLASSES = 4;
    private static final int MAX_REMEMBERED = 20_000;
    private static final String[] JDK_PREFIXES = {"java/", "javax/", "jdk/", "sun/", "com/sun/"};
    /** A read-ahead's state for one loaded class: the classes read (their methods), and how many reads are left. */
    private static final class ReadAhead {
        final java.util.Map<String, Map<String, HeldLockScan.Method>> classes = new java.util.HashMap<>();
        int readsLeft = MAX_READS_PER_CLASS;
    }

    /** What a callee read ahead does: nothing, spawn, or spawn as a synchronized method (its lock). */
    private static final class Reach {
        static final Reach NO = new Reach(false, null, null);
        static final Reach YES = new Reach(true, null, null);
        final boolean spawns;
        /** The class declaring the synchronized method, and the method's lock; null if not synchronized. */
        final String synchronizedOwner;
        final String synchronizedLock;

        Reach(boolean spawns, String synchronizedOwner, String synchronizedLock) {
            this.spawns = spawns;
            this.synchronizedOwner = synchronizedOwner;
            this.synchronizedLock = synchronizedLock;
        }
    }

    /** One lock found: in which class, what to instrument there, and where the spawn under it is. */
    static final class Finding {
        final String internalClassName;
        final ClassLocks.Kind kind;
        final String key;
        final String lock;
        final String where;

        Finding(String internalClassName, ClassLocks.Kind kind, String key, String lock, String where) {
            this.internalClassName = internalClassName;
            this.kind = kind;
            this.key = key;
            this.lock = lock;
            this.where = where;
        }
    }

    private final SpawnCalls spawnCalls;
    /** {@code owner.name(descriptor)} of callees read ahead, per defining loader's view: what they reach. */
    private final Map<String, Reach> readAhead = new ConcurrentHashMap<>();
    /**
     * Classes that call no spawn method and no application method but their own: none of their methods can
     * spawn, whatever is learnt later. Bounded like {@link #readAhead}.
     */
    private final Set<String> cannotSpawn = ConcurrentHashMap.newKeySet();

    LoadTimeScan(SpawnCalls spawnCalls) {
        this.spawnCalls = spawnCalls;
    }

    /** The locks {@code classFile} holds around spawns; {@code loader} reads its callees' class files. */
    List<Finding> scan(ClassLoader loader, byte[] classFile) {
        String self = HeldLockScan.className(classFile);
        Map<String, HeldLockScan.Method> methods = HeldLockScan.scanClass(classFile, null);
        Set<String> underLock = reachedUnderLock(self, methods.values());
        Set<String> spawning = new HashSet<>();
        ReadAhead read = new ReadAhead();
        boolean grew = true;
        while (grew) { // the same class's methods, called before they are declared: to a fixed point
            grew = false;
            for (HeldLockScan.Method m : methods.values()) {
                String key = m.name + m.descriptor;
                if (spawning.contains(key)) {
                    continue;
                }
                for (HeldLockScan.Call c : m.calls) {
                    if (reach(loader, self, c, underLock.contains(key), spawning, read).spawns) {
                        spawning.add(key);
                        grew = true;
                        break;
                    }
                }
            }
        }
        List<Finding> found = new ArrayList<>();
        for (HeldLockScan.Method m : methods.values()) {
            String key = m.name + m.descriptor;
            if (spawning.contains(key)) {
                spawnCalls.learn(self, m.name, m.descriptor);
                if (m.synchronizedLock != null) {
                    found.add(new Finding(self, ClassLocks.Kind.SYNCHRONIZED_METHOD, key, m.synchronizedLock,
                            where(self, m, -1)));
                }
            }
            boolean locked = underLock.contains(key);
            for (HeldLockScan.Call c : m.calls) {
                if (c.held.isEmpty() && !locked) {
                    continue; // no lock held, and no callee read ahead: nothing to find at this call
                }
                Reach r = reach(loader, self, c, locked, spawning, read);
                if (!r.spawns) {
                    continue;
                }
                for (String lock : c.held) {
                    found.add(new Finding(self, ClassLocks.Kind.ACQUIRED, lock, lock, where(self, m, c.line)));
                }
                if (r.synchronizedLock != null) { // another class's: turned into a block as that class loads
                    found.add(new Finding(r.synchronizedOwner, ClassLocks.Kind.SYNCHRONIZED_METHOD,
                            c.name + c.descriptor, r.synchronizedLock, where(r.synchronizedOwner, c.name)));
                }
            }
        }
        return found;
    }

    /** Synchronized methods, and the same class's methods called with a lock held, or from those. */
    private static Set<String> reachedUnderLock(String self, Collection<HeldLockScan.Method> methods) {
        Set<String> under = new HashSet<>();
        for (HeldLockScan.Method m : methods) {
            if (m.synchronizedLock != null) {
                under.add(m.name + m.descriptor);
            }
        }
        boolean grew = true;
        while (grew) {
            grew = false;
            for (HeldLockScan.Method m : methods) {
                boolean locked = under.contains(m.name + m.descriptor);
                for (HeldLockScan.Call c : m.calls) {
                    if (c.owner.equals(self) && (locked || !c.held.isEmpty()) && under.add(c.name + c.descriptor)) {
                        grew = true;
                    }
                }
            }
        }
        return under;
    }

    /** What one call reaches; application callees are read ahead only where a lock may be held. */
    private Reach reach(ClassLoader loader, String self, HeldLockScan.Call c, boolean inLockedMethod,
                        Set<String> spawningHere, ReadAhead read) {
        if (spawnCalls.spawns(c.owner, c.name, c.descriptor)) {
            return Reach.YES;
        }
        if (c.owner.equals(self)) {
            return spawningHere.contains(c.name + c.descriptor) ? Reach.YES : Reach.NO;
        }
        if ((c.held.isEmpty() && !inLockedMethod) || !isApplication(c.owner)) {
            return Reach.NO;
        }
        return readAhead(loader, c.owner, c.name, c.descriptor, LOOKAHEAD_DEPTH, read);
    }

    /** Reads {@code owner}'s class file (not loading it) to tell whether the method spawns. */
    private Reach readAhead(ClassLoader loader, String owner, String name, String descriptor, int depth,
                            ReadAhead read) {
        if (spawnCalls.spawns(owner, name, descriptor)) {
            return Reach.YES;
        }
        if (depth == 0 || !isApplication(owner) || cannotSpawn.contains(owner)) {
            return Reach.NO;
        }
        String key = owner + '.' + name + descriptor;
        Reach known = readAhead.get(key);
        if (known != null) {
            return known;
        }
        if (readAhead.size() >= MAX_REMEMBERED) {
            return Reach.NO; // a bounded memory: what is not read ahead is left to discovery
        }
        readAhead.put(key, Reach.NO); // while it is read: a call back into it reaches nothing new
        Reach r = Reach.NO;
        String declaring = owner;
        for (int i = 0; i < MAX_SUPER_CLASSES && declaring != null && isApplication(declaring); i++) {
            Map<String, HeldLockScan.Method> methods = read.classes.get(declaring);
            if (methods == null) {
                if (read.readsLeft-- <= 0 || cannotSpawn.contains(declaring)) {
                    break;
                }
                byte[] bytes = ClassRewrite.classFile(loader, declaring);
                if (bytes == null) {
                    break;
                }
                if (!ConstantPool.callsMethodOf(bytes, spawnCalls.owners(), spawnCalls.names())
                        && !ConstantPool.callsOutside(bytes, JDK_PREFIXES)) {
                    if (cannotSpawn.size() < MAX_REMEMBERED) {
                        cannotSpawn.add(declaring); // read once: it calls nothing that could spawn
                    }
                    break;
                }
                methods = HeldLockScan.scanClass(bytes, null);
                read.classes.put(declaring, methods);
            }
            HeldLockScan.Method m = methods.get(name + descriptor);
            if (m == null) {
                declaring = methods.isEmpty() ? null : methods.values().iterator().next().superName; // inherited
                continue;
            }
            for (HeldLockScan.Call c : m.calls) {
                int next = c.owner.equals(declaring) ? depth : depth - 1;
                if (readAhead(loader, c.owner, c.name, c.descriptor, next, read).spawns) {
                    spawnCalls.learn(declaring, name, descriptor);
                    r = m.synchronizedLock == null ? Reach.YES : new Reach(true, declaring, m.synchronizedLock);
                    break;
                }
            }
            break;
        }
        if (r.spawns) {
            readAhead.put(key, r);
        }
        return r;
    }

    static boolean isApplication(String internalName) {
        for (String p : JDK_PREFIXES) {
            if (internalName.startsWith(p)) {
                return false;
            }
        }
        return !internalName.startsWith("[");
    }

    private static String where(String self, HeldLockScan.Method m, int line) {
        return self.replace('/', '.') + "#" + m.name + (line > 0 ? " line " + line : "");
    }

    private static String where(String owner, String method) {
        return owner.replace('/', '.') + "#" + method;
    }

}
