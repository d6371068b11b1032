package io.spawnlock.locks;

import io.spawnlock.agent.ConstantPool;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The methods that spawn a process: the JDK's entry points, libjava's fork/exec called by its JNI symbol, the
 * application's methods made spawns of their own (entry points), and the application's methods found to reach
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

    /** {@code owner.name} of the spawning methods known by name alone: the fixed ones and the {@code spawns=} entries. */
    private final Set<String> byName = ConcurrentHashMap.newKeySet();

    /** @param entries the {@code spawns=} entries, {@code com.acme.Launcher#launch} */
    public SpawnCalls(List<String> entries) {
        byName.addAll(ConstantPool.SPAWN_METHODS);
        for (String entry : entries) {
            byName.add(entry.replace('.', '/').replace('#', '.'));
        }
        names.addAll(byName);
        for (String n : byName) {
            owners.add(n.substring(0, n.lastIndexOf('.')));
        }
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
            // most calls: no key built; a library's call of libjava's fork/exec has an owner of its own
            return name.startsWith("Java_java_lang_") && ConstantPool.NATIVE_SPAWN_SYMBOLS.contains(name);
        }
        String key = owner + '.' + name;
        return byName.contains(key) || learned.contains(key + descriptor);
    }

    /** Records that an application method is a spawn of its own (an entry point the spawn rewriter made). */
    public void entryPoint(String owner, String name, String descriptor) {
        learn(owner, name, descriptor);
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
