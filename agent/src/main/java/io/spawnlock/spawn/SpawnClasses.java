package io.spawnlock.spawn;

/**
 * The JDK classes of the spawn path, by internal name. Apart from {@link SpawnClassRewriter} so that the
 * class gate, which sees every class load from premain on, can ask without loading ByteBuddy's types.
 */
public final class SpawnClasses {
    public static final String PROCESS_BUILDER = "java/lang/ProcessBuilder";
    public static final String PROCESS_IMPL = "java/lang/ProcessImpl";

    private SpawnClasses() {}

    /** Whether a boot class (internal name) is one the spawn rewriter rewrites. */
    public static boolean isTarget(String internalName) {
        return PROCESS_BUILDER.equals(internalName) || PROCESS_IMPL.equals(internalName);
    }
}
