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
 * application's {@code main}. So a background thread prepares the rewriter while the application starts.
 * If the application loads {@code ProcessBuilder} or {@code ProcessImpl} before that is done, this gate
 * holds that class load until the rewriter is ready (bounded), so no early spawn goes unmeasured; a class
 * let through unchanged after the bound is retransformed once the rewriter is ready.
 */
public final class SpawnTransformer implements ClassFileTransformer {
    private static final long MAX_GATE_WAIT_SECONDS = 3;

    private final AgentWarnings warnings;
    private final CountDownLatch settled = new CountDownLatch(1);
    private volatile SpawnClassRewriter rewriter;
    private volatile Thread preparingThread;

    public SpawnTransformer(AgentWarnings warnings) {
        this.warnings = warnings;
    }

    /** Registers the gate and prepares ByteBuddy on a daemon thread. */
    public void install(Instrumentation inst) {
        inst.addTransformer(this, true);
        Thread t = new Thread(() -> prepare(inst), "spawnlock-init");
        t.setDaemon(true);
        preparingThread = t;
        t.start();
    }

    private void prepare(Instrumentation inst) {
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
            if (c.getClassLoader() == null && SpawnClassRewriter.isTarget(c.getName().replace('.', '/'))) {
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
        if (loader != null || className == null || !SpawnClassRewriter.isTarget(className)) {
            return null;
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
