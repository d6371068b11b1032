package io.spawnlock.locks;

import io.spawnlock.bytecode.ClassRewrite;
import io.spawnlock.guard.AgentWarnings;
import io.spawnlock.probe.SpawnProbe;
import java.lang.instrument.Instrumentation;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Finds the locks a thread holds while it spawns, without stopping the world: the spawning thread walks
 * its own stack (rate-limited, no safepoint) and hands each call site it has not seen before to the agent
 * thread, which reads that method's bytecode, names the monitors and Locks held at the call, and rewrites
 * the class so that every acquisition of those locks there is measured from then on (the class gate hands
 * the retransformed class to {@link LockClassTransformer}).
 */
public final class LockDiscovery {
    private static final int MAX_APPLICATION_FRAMES = 16;
    private static final int MAX_SEEN_SITES = 10_000;
    private static final int MAX_FRAMES = 256;
    private static final StackWalker WALKER = StackWalker.getInstance(EnumSet.of(StackWalker.Option.RETAIN_CLASS_REFERENCE));

    private final SpawnLocks locks;
    private final SpawnCalls spawnCalls;
    private final Instrumentation inst;
    private final AgentWarnings warnings;
    private final Consumer<String> notes;
    private final ClassLoader agentLoader = LockDiscovery.class.getClassLoader();
    private final Set<SiteKey> seenSites = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<CallSite> pending = new ConcurrentLinkedQueue<>();
    private final WalkPacer pacer = new WalkPacer(System.nanoTime());
    private volatile Thread worker;

    /**
     * @param spawnCalls learns the application methods seen on spawning stacks, for the load-time pass
     * @param notes      where to write what was found (the log's comments)
     */
    public LockDiscovery(SpawnLocks locks, SpawnCalls spawnCalls, Instrumentation inst, AgentWarnings warnings,
                         Consumer<String> notes) {
        this.locks = locks;
        this.spawnCalls = spawnCalls;
        this.inst = inst;
        this.warnings = warnings;
        this.notes = notes;
    }

    /** The thread that calls {@link #processPending}; woken when there is work. */
    public void workOn(Thread thread) {
        worker = thread;
    }

    /** On the spawning thread, inside {@code start()}: what it holds now is what we look for. */
    public void onSpawn() {
        if (!pacer.claim(System.nanoTime())) {
            return;
        }
        Walk walk = new Walk();
        WALKER.walk(walk);
        pacer.walked(System.nanoTime(), walk.added);
        Thread w = worker;
        if (walk.added && w != null) {
            LockSupport.unpark(w);
        }
    }

    /**
     * One walk of a spawning thread's stack, innermost frame first, in a single pass that stops at the last
     * frame it needs: no list of frames and no string per frame (a site already seen, the common case, costs
     * a key of four references and a hash lookup).
     */
    private final class Walk implements Function<Stream<StackWalker.StackFrame>, Void> {
        boolean added;

        @Override
        public Void apply(Stream<StackWalker.StackFrame> frames) {
            // The spawning call is the method the probe was called from (ProcessBuilder.start, or an
            // application's entry point), then out through the JDK's own overloads of start and exec.
            StackWalker.StackFrame callee = null;
            boolean inSpawnCall = false;
            boolean probeSeen = false;
            int applicationFrames = 0;
            Iterator<StackWalker.StackFrame> it = frames.limit(MAX_FRAMES).iterator();
            while (it.hasNext() && applicationFrames < MAX_APPLICATION_FRAMES) {
                StackWalker.StackFrame f = it.next();
                Class<?> type = f.getDeclaringClass();
                if (type == SpawnProbe.class) { // the probe may appear more than once (nested spawning calls)
                    probeSeen = true;
                    inSpawnCall = false;
                    callee = null;
                    applicationFrames = 0;
                    continue;
                }
                if (probeSeen && callee == null) {
                    inSpawnCall = true; // the frame that called the probe
                } else if (inSpawnCall && (type == ProcessBuilder.class || type == Runtime.class)) {
                    // still inside the JDK's spawning overloads
                } else if (inSpawnCall) {
                    inSpawnCall = false;
                    applicationFrames += visit(f, callee) ? 1 : 0;
                } else if (probeSeen) {
                    applicationFrames += visit(f, callee) ? 1 : 0;
                }
                callee = f;
            }
            return null;
        }

        /** Whether {@code f} is an application frame (counted), handing its call site over if it is new. */
        private boolean visit(StackWalker.StackFrame f, StackWalker.StackFrame callee) {
            ClassLoader loader = f.getDeclaringClass().getClassLoader();
            if (loader == null || loader == ClassLoader.getPlatformClassLoader() || loader == agentLoader) {
                return false; // JDK frames: their locks are not the application's to measure here
            }
            SiteKey key = new SiteKey(f.getDeclaringClass(), f.getMethodName(), f.getDescriptor(), f.getByteCodeIndex());
            if (seenSites.size() < MAX_SEEN_SITES && seenSites.add(key)) {
                pending.add(new CallSite(Thread.currentThread(), f.getDeclaringClass(), f.getMethodName(),
                        f.getDescriptor(), f.getLineNumber(), callee.getDeclaringClass(), callee.getMethodName(),
                        callee.getDescriptor()));
                added = true;
            }
            return true;
        }
    }

    /** A call site already handed over: the method (class, name, descriptor) and the call's bytecode index. */
    private static final class SiteKey {
        final Class<?> type;
        final String method;
        final String descriptor;
        final int bci;

        SiteKey(Class<?> type, String method, String descriptor, int bci) {
            this.type = type;
            this.method = method;
            this.descriptor = descriptor;
            this.bci = bci;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof SiteKey)) {
                return false;
            }
            SiteKey k = (SiteKey) o;
            return type == k.type && bci == k.bci && method.equals(k.method) && descriptor.equals(k.descriptor);
        }

        @Override
        public int hashCode() {
            return (System.identityHashCode(type) * 31 + method.hashCode()) * 31 + bci;
        }
    }

    /** On the agent thread: analyses the new call sites and rewrites the classes that hold spawn locks. */
    public void processPending() {
        Set<Class<?>> changed = new LinkedHashSet<>();
        CallSite site;
        while ((site = pending.poll()) != null) {
            try {
                analyse(site, changed);
            } catch (RuntimeException e) {
                warnings.warnOnce("lock-scan " + site.type.getName(), "cannot read the locks of "
                        + site.type.getName() + "#" + site.method + " (" + AgentWarnings.describe(e) + ")");
            }
        }
        ClassRewrite.retransform(inst, changed, warnings);
    }

    private void analyse(CallSite site, Set<Class<?>> changed) {
        String internalName = site.type.getName().replace('.', '/');
        byte[] classFile = ClassRewrite.classFile(site.type.getClassLoader(), internalName);
        if (classFile == null) {
            return; // generated at run time: no class file to read
        }
        HeldLockScan.Result held = HeldLockScan.scan(classFile, site.method, site.descriptor, site.callee,
                site.calleeDescriptor, site.line);
        String where = site.type.getName() + "#" + site.method + (site.line > 0 ? " line " + site.line : "");
        spawnCalls.learn(internalName, site.method, site.descriptor); // for the classes loaded from now on
        List<String> found = new ArrayList<>();
        for (String lock : held.held) {
            if (locks.addAcquired(internalName, lock)) {
                changed.add(site.type);
                found.add(lock);
                notes.accept(SpawnLocks.found(lock, ClassLocks.Kind.ACQUIRED, where));
            }
        }
        if (found.size() == 1) {
            identify(site, found.get(0));
        }
        if (held.synchronizedMethod != null
                && locks.addSynchronizedMethod(internalName, site.method + site.descriptor, held.synchronizedMethod)) {
            changed.add(site.type);
            notes.accept(SpawnLocks.found(held.synchronizedMethod, ClassLocks.Kind.SYNCHRONIZED_METHOD, where));
        }
        // This frame calls a synchronized method found to be a spawn lock (frames come innermost first):
        // time those calls, for the method's wait.
        String calleeOwner = site.calleeType.getName().replace('.', '/');
        String calleeLock = locks.synchronizedMethodLock(calleeOwner, site.callee + site.calleeDescriptor);
        if (calleeLock != null && site.calleeType.getClassLoader() != null
                && locks.addCallToSynchronizedMethod(internalName, calleeOwner + "." + site.callee + site.calleeDescriptor,
                        calleeLock)) {
            changed.add(site.type);
        }
    }


    /**
     * A lock found late may be taken only in frames older than the rewrite, which no probe sees: the JVM's
     * name for its object ({@code class@hash}, from the monitor the spawning thread locked in that frame,
     * or the one synchronizer it holds)
     * lets a dump find its owner and waiters in the JVM's own view. One safepoint per lock found here (the
     * load-time pass finds most locks without one); nothing when the thread has moved on.
     */
    private void identify(CallSite site, String lock) {
        try {
            ThreadMXBean bean = ManagementFactory.getThreadMXBean();
            ThreadInfo[] info = bean.getThreadInfo(new long[] {site.thread.getId()}, true, true);
            if (info.length == 0 || info[0] == null) {
                return; // ended, or a virtual thread
            }
            MonitorInfo atFrame = null;
            for (MonitorInfo m : info[0].getLockedMonitors()) {
                StackTraceElement frame = m.getLockedStackFrame();
                if (frame != null && frame.getClassName().equals(site.type.getName())
                        && frame.getMethodName().equals(site.method)) {
                    if (atFrame != null) {
                        return; // two monitors in that frame: which is which is not known
                    }
                    atFrame = m;
                }
            }
            if (atFrame != null) {
                locks.identified(lock, atFrame.toString());
            } else if (info[0].getLockedSynchronizers().length == 1) { // a Lock's synchronizer, if it holds one only
                locks.identified(lock, info[0].getLockedSynchronizers()[0].toString());
            }
        } catch (RuntimeException | LinkageError e) { // no java.management: dumps see what the probes see
        }
    }

    private static final class CallSite {
        final Thread thread;
        final Class<?> type;
        final String method;
        final String descriptor;
        final int line;
        final Class<?> calleeType;
        final String callee;
        final String calleeDescriptor;

        CallSite(Thread thread, Class<?> type, String method, String descriptor, int line, Class<?> calleeType,
                 String callee, String calleeDescriptor) {
            this.thread = thread;
            this.type = type;
            this.method = method;
            this.descriptor = descriptor;
            this.line = line;
            this.calleeType = calleeType;
            this.callee = callee;
            this.calleeDescriptor = calleeDescriptor;
        }
    }
}
