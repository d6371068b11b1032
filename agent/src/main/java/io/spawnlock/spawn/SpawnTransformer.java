package io.spawnlock.spawn;

import io.spawnlock.core.AgentWarnings;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The one transformer the agent registers, at premain, before ByteBuddy is even loaded.
 *
 * <p>ByteBuddy needs a few hundred milliseconds to start; doing that in premain would delay the
 * application's {@code main}. So the agent's thread prepares the rewriter while the application starts.
 * If the application loads {@code ProcessBuilder} or {@code ProcessImpl} before that is done, this gate
 * holds that class load until the rewriter is ready (bounded), so no early spawn goes unmeasured; a class
 * let through unchanged after the bound is retransformed once the rewriter is ready.
 */
public final class SpawnTransformer implements ClassFileTransformer {
    static final String PROCESS_BUILDER = "java/lang/ProcessBuilder";
    static final String PROCESS_IMPL = "java/lang/ProcessImpl";
    private static final long MAX_GATE_WAIT_SECONDS = 3;

    private final AgentWarnings warnings;
    private final CountDownLatch settled = new CountDownLatch(1);
    private volatile SpawnClassRewriter rewriter;
    private volatile Thread preparingThread;

    public SpawnTransformer(AgentWarnings warnings) {
        this.warnings = warnings;
    }

    /** Whether a class (internal name) is one this agent rewrites. Loads nothing. */
    static boolean isTarget(String internalName) {
        return PROCESS_BUILDER.equals(internalName) || PROCESS_IMPL.equals(internalName);
    }

    /**
     * Registers the gate; cheap, so it can run before {@code main}.
     *
     * <p>The JVM calls a transformer for every class any thread loads, sometimes while that thread holds a
     * lock (a jar file's, a class loader's). If the gate's path for other classes loaded a class of ours
     * from the agent jar, two threads could each wait for the other's lock. So that path only compares
     * names, and everything it touches is resolved here, once, before it is registered.
     */
    public void register(Instrumentation inst) {
        transform(null, "", null, null, null);
        inst.addTransformer(this, true);
    }

    /** Names the thread that will call {@link #prepare}: the gate must never make it wait for itself. */
    public void preparedBy(Thread thread) {
        preparingThread = thread;
    }

    /** Spawns cannot be measured after all: stop holding class loads and step aside. */
    public void giveUp(Instrumentation inst) {
        inst.removeTransformer(this);
        settled.countDown();
    }

    /** Loads ByteBuddy and rewrites the spawn classes, then opens the gate; on the agent's thread. */
    public void prepare(Instrumentation inst) {
        try {
            SpawnClassRewriter r = new SpawnClassRewriter();
            r.prepare();
            rewriter = r;
        } catch (Throwable t) {
            warnings.warnOnce("spawn-instrumentation", "spawns are not measured: this JDK's spawn path could not be"
                    + " instrumented (" + AgentWarnings.describe(t) + ")");
            inst.removeTransformer(this);
            return;
        } finally {
            settled.countDown();
        }
        List<Class<?>> loaded = new ArrayList<>();
        for (Class<?> c : inst.getAllLoadedClasses()) {
            if (c.getClassLoader() == null && isTarget(c.getName().replace('.', '/'))) {
                loaded.add(c);
            }
        }
        if (!loaded.isEmpty()) {
            try {
                inst.retransformClasses(loaded.toArray(new Class<?>[0]));
            } catch (Throwable t) {
                warnings.warnOnce("spawn-retransform", "spawns are not measured: retransforming " + loaded
                        + " failed (" + AgentWarnings.describe(t) + ")");
            }
        }
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        if (loader != null || !isTarget(className)) {
            return null; // every class load of the JVM passes here: compare names, load nothing
        }
        try {
            SpawnClassRewriter r = rewriter;
            if (r == null && Thread.currentThread() != preparingThread) {
                settled.await(MAX_GATE_WAIT_SECONDS, TimeUnit.SECONDS);
                r = rewriter;
            }
            return r == null ? null : r.transform(className, classfileBuffer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Throwable t) {
            warnings.warnOnce("spawn-transform", "spawns are not measured: rewriting " + className + " failed ("
                    + AgentWarnings.describe(t) + ")");
            return null;
        }
    }
}
