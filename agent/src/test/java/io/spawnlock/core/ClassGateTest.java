package io.spawnlock.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spawnlock.capability.ClassRewriter;
import io.spawnlock.guard.AgentWarnings;
import io.spawnlock.spawn.SpawnClassRewriter;
import io.spawnlock.spawn.SpawnClasses;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The class gate at its boundary: the entries the parts hand it, the loads it holds, what it retransforms. */
class ClassGateTest {
    private static final String APP_CLASS = "com/acme/Spawner";
    private final ByteArrayOutputStream said = new ByteArrayOutputStream();
    private final ClassGate gate = new ClassGate(new AgentWarnings(new PrintStream(said)),
            Set.of(SpawnClasses.PROCESS_BUILDER, SpawnClasses.PROCESS_IMPL), Set.of(APP_CLASS), Set.of(), Set.of());
    private final ClassLoader application = new ClassLoader(getClass().getClassLoader()) { };
    private final List<Class<?>> retransformed = new ArrayList<>();

    private static byte[] jdkClass(String internalName) throws IOException {
        try (InputStream in = Object.class.getModule().getResourceAsStream(internalName + ".class")) {
            return in.readAllBytes();
        }
    }

    /** An Instrumentation that lists {@code loaded} and keeps what it is asked to retransform. */
    private Instrumentation instrumentation(Class<?>... loaded) {
        return (Instrumentation) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Instrumentation.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getAllLoadedClasses": return loaded.clone();
                        case "retransformClasses":
                            for (Object c : (Object[]) args[0]) {
                                retransformed.add((Class<?>) c);
                            }
                            return null;
                        default: return null;
                    }
                });
    }

    /** An application-class entry that appends {@code mark} to what it is given, and keeps what it saw. */
    private static final class Appending implements ClassRewriter {
        final byte mark;
        final List<byte[]> seen = new ArrayList<>();
        final List<Integer> flags = new ArrayList<>();

        Appending(int mark) {
            this.mark = (byte) mark;
        }

        @Override
        public boolean rewritesApplicationClasses() {
            return true;
        }

        @Override
        public byte[] rewrite(ClassLoader loader, String className, Class<?> redefined, byte[] classFile, int poolFlags) {
            seen.add(classFile);
            flags.add(poolFlags);
            byte[] more = java.util.Arrays.copyOf(classFile, classFile.length + 1);
            more[classFile.length] = mark;
            return more;
        }

        @Override
        public boolean caughtUp(ClassLoader loader, String internalName, byte[] classFile) {
            caughtUp.add(internalName);
            return mark == 2 && internalName.equals(Marker.class.getName().replace('.', '/')) && classFile != null;
        }

        final List<String> caughtUp = new ArrayList<>();
    }

    /** A class the application loaded before the entries were in. */
    static final class Marker {
    }

    /** {@link Marker}, defined by a loader of the application's (not the one that loaded the gate). */
    private static Class<?> markerOfTheApplication() throws IOException {
        String resource = Marker.class.getName().replace('.', '/') + ".class";
        byte[] bytes;
        try (InputStream in = ClassGateTest.class.getClassLoader().getResourceAsStream(resource)) {
            bytes = in.readAllBytes();
        }
        return new ClassLoader(null) {
            Class<?> define() {
                return defineClass(Marker.class.getName(), bytes, 0, bytes.length);
            }

            @Override
            public InputStream getResourceAsStream(String name) {
                return name.equals(resource) ? new java.io.ByteArrayInputStream(bytes) : null;
            }
        }.define();
    }

    @Test
    void onlyTheTwoSpawnClassesOfTheBootLoaderAreTargets() {
        assertTrue(SpawnClasses.isTarget("java/lang/ProcessBuilder"));
        assertTrue(SpawnClasses.isTarget("java/lang/ProcessImpl"));
        assertFalse(SpawnClasses.isTarget("java/lang/ProcessHandleImpl"));
        assertFalse(SpawnClasses.isTarget("com/acme/ProcessBuilder"));
        assertFalse(SpawnClasses.isTarget(null));
    }

    /**
     * With the spawn part's JDK entry in, the gate rewrites the boot loader's ProcessBuilder (so the checks below
     * can fail: a gate that returned null for everything passed the old form of this test) and nothing else.
     */
    @Test
    void theBootLoadersSpawnClassIsRewrittenAndOtherClassesPassUntouched() throws IOException {
        SpawnClassRewriter spawn = new SpawnClassRewriter();
        spawn.prepare();
        gate.add(spawn);
        gate.open();
        byte[] processBuilder = jdkClass("java/lang/ProcessBuilder");
        byte[] string = jdkClass("java/lang/String");
        byte[] rewritten = gate.transform(null, "java/lang/ProcessBuilder", null, null, processBuilder);
        assertNotNull(rewritten, "the boot loader's ProcessBuilder is rewritten");
        assertFalse(java.util.Arrays.equals(processBuilder, rewritten));
        assertNull(gate.transform(null, "java/lang/String", null, null, string));
        assertNull(gate.transform(null, null, null, null, string));
        // same name and bytes, but not the boot loader's: never rewritten, never held
        assertNull(gate.transform(application, "java/lang/ProcessBuilder", null, null, processBuilder));
        assertEquals("", said.toString(StandardCharsets.UTF_8), "nothing to say");
    }

    /** Application entries see a class in the order the parts were registered, each the one before's result. */
    @Test
    void applicationEntriesRewriteInTheOrderTheyWereAdded() {
        Appending first = new Appending(1);
        Appending second = new Appending(2);
        gate.add(first);
        gate.add(second);
        gate.open();
        byte[] original = {7};
        assertArrayEquals(new byte[] {7, 1, 2}, gate.transform(application, "com/acme/Other", null, null, original));
        assertArrayEquals(original, first.seen.get(0));
        assertArrayEquals(new byte[] {7, 1}, second.seen.get(0));
        assertNull(gate.transform(null, "com/acme/Other", null, null, original), "a boot class never reaches them");
        assertEquals(1, first.seen.size());
    }

    /** A held application class waits for the application entries; a held JDK class for the whole gate. */
    @Test
    void heldLoadsWaitUntilTheirEntriesAreIn() throws Exception {
        Appending entry = new Appending(1);
        CompletableFuture<byte[]> app = CompletableFuture.supplyAsync(
                () -> gate.transform(application, APP_CLASS, null, null, new byte[] {7}));
        CompletableFuture<byte[]> jdk = CompletableFuture.supplyAsync(
                () -> gate.transform(null, SpawnClasses.PROCESS_IMPL, null, null, new byte[] {7}));
        // not held: passes at once, nothing in the gate yet
        assertNull(gate.transform(application, "com/acme/Other", null, null, new byte[] {7}));
        Thread.sleep(300);
        assertFalse(app.isDone(), "the named application class waits for the entries");
        assertFalse(jdk.isDone(), "the spawn class waits for the gate to open");
        gate.add(entry);
        gate.openApplicationClasses(instrumentation());
        assertArrayEquals(new byte[] {7, 1}, app.get(5, TimeUnit.SECONDS), "released, through the entry");
        Thread.sleep(200);
        assertFalse(jdk.isDone(), "still held: the gate is not open");
        gate.open();
        assertNull(jdk.get(5, TimeUnit.SECONDS), "no JDK entry rewrites it");
        List<String> held = new ArrayList<>(gate.held());
        assertEquals(2, held.size(), held.toString());
        assertTrue(held.get(0).startsWith(APP_CLASS + ' '), held.toString());
        assertTrue(Long.parseLong(held.get(0).split(" ")[1]) >= 250_000_000L, held.toString());
    }

    /** The catch-up asks every entry (each may learn from the class) and retransforms what any would rewrite. */
    @Test
    void classesLoadedBeforeTheEntriesAreCaughtUpOnceEach() throws IOException {
        Appending first = new Appending(1);
        Appending second = new Appending(2);
        gate.add(first);
        gate.add(second);
        Class<?> marker = markerOfTheApplication();
        gate.openApplicationClasses(instrumentation(marker, String.class, Appending.class));
        gate.catchUp(instrumentation());
        assertEquals(List.of(marker), retransformed, "the application's class, by the second entry");
        String name = Marker.class.getName().replace('.', '/');
        assertEquals(List.of(name), first.caughtUp, "the first entry asked too; String is the JDK's, Appending the agent's");
        assertEquals(List.of(name), second.caughtUp);
        gate.catchUp(instrumentation());
        assertEquals(1, retransformed.size(), "once");
    }

    /** An entry that throws costs one warning and leaves the class as it was. */
    @Test
    void anEntryThatThrowsLeavesTheClassAndSaysSoOnce() {
        gate.add(new ClassRewriter() {
            @Override
            public boolean rewritesApplicationClasses() {
                return true;
            }

            @Override
            public byte[] rewrite(ClassLoader loader, String className, Class<?> r, byte[] classFile, int flags) {
                throw new IllegalStateException("broken");
            }
        });
        gate.open();
        assertNull(gate.transform(application, "com/acme/Other", null, null, new byte[] {7}));
        assertNull(gate.transform(application, "com/acme/Other", null, null, new byte[] {7}));
        String text = said.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("cannot rewrite com/acme/Other"), text);
        assertEquals(1, text.split("\n").length, text);
    }
}
