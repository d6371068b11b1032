package io.spawnlock.locks;

import io.spawnlock.agent.ConstantPool;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The methods that spawn a process: the JDK's entry points, and the application's methods found to reach
 * one (by the load-time pass, through the same class or a callee read ahead, or by discovery on a spawning
 * stack). A class whose constant pool names none of them cannot spawn by a direct call, so the
 * load-time pass leaves it alone unless it takes a lock around a call into the application.
 */
public final class SpawnCalls {
    /** {@code owner.name} of every known spawning method, and their owners: the prefilter's sets ({@link ConstantPool}). */
    private final Set<String> names = ConcurrentHashMap.newKeySet();
    private final Set<String> owners = ConcurrentHashMap.newKeySet();
    /** {@code owner.name(descriptor)} of the application's spawning methods. */
    private final Set<String> learned = ConcurrentHashMap.newKeySet();

    public SpawnCalls() {
        names.addAll(ConstantPool.JDK_SPAWN_METHODS);
        owners.addAll(ConstantPool.JDK_SPAWN_OWNERS);
    }

    /** The owners of {@link #names}; read by the class gate on every application class load. */
    public Set<String> owners() {
        return owners;
    }

    /** {@code owner.name} of the spawning methods; read by the class gate on every application class load. */
    public Set<String> names() {
        return names;
    }

    /** Whether a call instruction's target spawns. */
    boolean spawns(String owner, String name, String descriptor) {
        if (!owners.contains(owner)) {
            return false; // most calls: no key built
        }
        return ConstantPool.JDK_SPAWN_OWNERS.contains(owner) ? ConstantPool.JDK_SPAWN_METHODS.contains(owner + '.' + name)
                : learned.contains(owner + '.' + name + descriptor);
    }

    /** Records that an application method spawns; returns whether that is new. */
    boolean learn(String owner, String name, String descriptor) {
        if (!learned.add(owner + '.' + name + descriptor)) {
            return false;
        }
        names.add(owner + '.' + name); // before the owner: a reader that sees the owner finds the name
        owners.add(owner);
        return true;
    }
}
