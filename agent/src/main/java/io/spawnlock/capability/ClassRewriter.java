package io.spawnlock.capability;

import io.spawnlock.agent.ConstantPool;

/**
 * One entry of the class gate: what a part rewrites of the classes the JVM loads. A part hands its entries to
 * the gate when it is registered ({@link Capability#rewriters}); the gate holds the class loads that must not
 * run unmeasured until every entry is in, then passes each load through the entries that want it, in the
 * order the parts were registered, each seeing what the one before returned.
 *
 * <p>An entry is called on the thread that loads the class, sometimes while that thread holds a class
 * loader's lock: it must load nothing of the agent's on a path other classes take, and it never throws.
 */
public interface ClassRewriter {
    /** The constant pool names libjava's fork/exec. */
    int NATIVE_SPAWN = ConstantPool.NATIVE_SPAWN;
    /** The constant pool names a spawning method or takes a lock. */
    int CALLS_OR_LOCKS = ConstantPool.CALLS_OR_LOCKS;

    /**
     * Whether this entry rewrites the boot loader's class of this internal name. Called for every class load
     * of the JVM: it compares names and does nothing else.
     */
    default boolean rewritesJdkClass(String internalName) {
        return false;
    }

    /** Whether this entry looks at the application's classes (every loader but the boot, platform and agent's). */
    default boolean rewritesApplicationClasses() {
        return false;
    }

    /**
     * The class rewritten, or null to leave it as it is.
     *
     * @param loader    null for a JDK class this entry said it rewrites
     * @param poolFlags for an application class, {@link #NATIVE_SPAWN} and {@link #CALLS_OR_LOCKS} of its
     *                  constant pool, read once by the gate for every entry; 0 for a JDK class
     */
    byte[] rewrite(ClassLoader loader, String className, Class<?> classBeingRedefined, byte[] classFile, int poolFlags);

    /**
     * Whether an application class loaded before this entry was in the gate is one it would have rewritten
     * (from its class file as its loader serves it, or null), so that the gate retransforms it.
     */
    default boolean caughtUp(ClassLoader loader, String internalName, byte[] classFile) {
        return false;
    }
}
