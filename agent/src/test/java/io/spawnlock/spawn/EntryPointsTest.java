package io.spawnlock.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spawnlock.ClassFiles;
import io.spawnlock.agent.ConstantPool;
import io.spawnlock.probe.SpawnListener;
import io.spawnlock.probe.SpawnProbe;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Methods that spawn without ProcessBuilder, rewritten as their class would be at load and run: what the
 * probe is told is checked against the time the test itself measured around each call.
 */
class EntryPointsTest {
    /** Stands for libjava's fork/exec called through JNA: a method of that JNI name on a class of the library's. */
    public static final class LibJava {
        public static int Java_java_lang_ProcessImpl_forkAndExec(long sleepMillis, boolean fail) throws IOException {
            sleep(sleepMillis);
            if (fail) {
                throw new IOException("error=2, No such file or directory");
            }
            return 4242;
        }

        public static void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A library's spawning method, in the shape of NuProcess's LinuxProcess.prepareProcess. */
    public static final class Bypass {
        public int prepare(List<String> command, boolean fail) throws IOException {
            LibJava.sleep(3); // pipes, arguments: Java around the native call
            int pid = LibJava.Java_java_lang_ProcessImpl_forkAndExec(5, fail);
            return pid;
        }

        public int untouched(int x) {
            return x + 1;
        }
    }

    /** Takes a monitor and calls nothing that spawns. */
    static final class Locker {
        static final Object LOCK = new Object();

        static int locked(int x) {
            synchronized (LOCK) {
                return x + 1;
            }
        }
    }

    /** Methods an application names with spawns=, one calling the other. */
    public static final class Named {
        public static long launch(String command) {
            LibJava.sleep(4);
            return command.length();
        }

        public static void launch(int times) {
            for (int i = 0; i < times; i++) {
                launch("inner");
            }
        }

        public void loop(int n) {
            try {
                if (n < 0) {
                    throw new IllegalStateException("no");
                }
            } catch (IllegalStateException e) {
                return; // its own handler keeps catching first
            }
        }
    }

    private final List<Object[]> spawns = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final Map<String, String> warnings = new ConcurrentHashMap<>();
    private final List<String> learned = new ArrayList<>();

    @BeforeEach
    void listen() {
        SpawnProbe.setListener(new SpawnListener() {
            @Override
            public long nativeBegin() {
                return -1;
            }

            @Override
            public int nativeThreadId() {
                return -1;
            }

            @Override
            public void nativeEnd(long execNanos) {
            }

            @Override
            public void spawnFinished(long wall, long exec, boolean failed, Object builder, Object process) {
                spawns.add(new Object[] {wall, exec, failed, builder});
            }
        });
    }

    @AfterEach
    void detach() {
        SpawnProbe.setListener(null);
    }

    private EntryPoints entryPoints(String... named) {
        return new EntryPoints(List.of(named), (owner, name, descriptor) -> learned.add(owner + '.' + name + descriptor),
                notes::add, warnings::put);
    }

    /** A class's first load as the class gate passes it: with its constant pool read once ({@link ConstantPool#flags}). */
    private static byte[] load(EntryPoints e, ClassLoader loader, String internalName, byte[] classFile) {
        boolean nativeSpawn = (ConstantPool.flags(classFile, Set.of(), Set.of()) & ConstantPool.NATIVE_SPAWN) != 0;
        return e.transform(loader, internalName, null, classFile, nativeSpawn);
    }

    /** An application's loader: not the one the agent's classes came from, which the rewriter leaves alone. */
    private final ClassLoader application = new ClassLoader(getClass().getClassLoader()) {};

    private Class<?> rewritten(EntryPoints e, Class<?> c) throws Exception {
        String internal = c.getName().replace('.', '/');
        byte[] bytes = load(e, application, internal, ClassFiles.of(c));
        assertTrue(bytes != null, c + " was not rewritten");
        return ClassFiles.defineAlone(c.getName(), bytes, c.getClassLoader()); // verified as it is defined
    }

    @Test
    void aCallOfLibjavasForkAndExecMakesItsMethodASpawnWithTheCallAsItsNativePart() throws Exception {
        EntryPoints e = entryPoints();
        Class<?> c = rewritten(e, Bypass.class);
        Object bypass = c.getConstructor().newInstance();
        Method prepare = c.getMethod("prepare", List.class, boolean.class);
        List<String> command = List.of("/bin/true", "x");
        long t0 = System.nanoTime();
        assertEquals(4242, prepare.invoke(bypass, command, false));
        long outside = System.nanoTime() - t0;
        InvocationTargetException thrown = assertThrows(InvocationTargetException.class,
                () -> prepare.invoke(bypass, command, true));
        assertTrue(thrown.getCause() instanceof IOException, "the library's own exception reaches its caller");
        assertEquals(2, c.getMethod("untouched", int.class).invoke(bypass, 1));

        assertEquals(2, spawns.size(), "one spawn per call, none for the method that does not spawn");
        long wall = (Long) spawns.get(0)[0];
        long exec = (Long) spawns.get(0)[1];
        assertTrue(wall <= outside && wall >= TimeUnit.MILLISECONDS.toNanos(8), "wall " + wall + " within " + outside);
        assertTrue(exec >= TimeUnit.MILLISECONDS.toNanos(5) && exec <= wall - TimeUnit.MILLISECONDS.toNanos(3),
                "exec " + exec + " is the native call alone, in a wall of " + wall);
        assertEquals(false, spawns.get(0)[2]);
        assertSame(command, spawns.get(0)[3], "the first argument is the command, when it is one");
        assertEquals(true, spawns.get(1)[2], "a call that throws is a failed spawn");
        assertTrue((Long) spawns.get(1)[1] >= TimeUnit.MILLISECONDS.toNanos(5), "its native part is still timed");

        String owner = Bypass.class.getName().replace('.', '/');
        assertEquals(List.of(owner + ".prepare(Ljava/util/List;Z)I"), learned);
        assertEquals(1, notes.size(), notes.toString());
        assertTrue(notes.get(0).contains("Bypass#prepare") && notes.get(0).contains("JNI symbol"), notes.get(0));
    }

    @Test
    void namedEntryPointsAreSpawnsEveryOverloadAndTheOutermostOfNestedCallsCounts() throws Exception {
        EntryPoints e = entryPoints(Named.class.getName() + "#launch", Named.class.getName() + "#loop");
        Class<?> c = rewritten(e, Named.class);
        assertEquals(5L, c.getMethod("launch", String.class).invoke(null, "hello"));
        assertEquals("hello", spawns.get(0)[3], "a string first argument is the command");
        c.getMethod("launch", int.class).invoke(null, 3);
        assertEquals(2, spawns.size(), "launch(3) calls launch(String) three times inside itself: one spawn");
        assertTrue((Long) spawns.get(1)[0] >= TimeUnit.MILLISECONDS.toNanos(12), "the outer call's time: " + spawns.get(1)[0]);
        assertEquals("inner", spawns.get(1)[3], "an int is no command: the first one inside it is");
        Object named = c.getConstructor().newInstance();
        c.getMethod("loop", int.class).invoke(named, -1);
        c.getMethod("loop", int.class).invoke(named, 1);
        assertEquals(4, spawns.size());
        assertEquals(false, spawns.get(2)[2], "an exception the method catches itself is no failure");
        assertEquals(-1L, spawns.get(2)[1], "no native part in a method that does not call one");
        assertEquals(3, learned.size(), learned.toString());
        assertTrue(warnings.isEmpty(), warnings.toString());
    }

    @Test
    void aNamedMethodThatDoesNotExistIsOneWarning() {
        EntryPoints e = entryPoints(Named.class.getName() + "#nosuch");
        String internal = Named.class.getName().replace('.', '/');
        assertNull(load(e, application, internal, ClassFiles.of(Named.class)));
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.values().iterator().next().contains("#nosuch"), warnings.toString());
    }

    @Test
    void oneReadOfTheConstantPoolAnswersBothQuestions() {
        Set<String> none = Set.of();
        assertEquals(ConstantPool.NATIVE_SPAWN | ConstantPool.CALLS_OR_LOCKS, ConstantPool.flags(ClassFiles.of(Bypass.class), none, none));
        assertEquals(0, ConstantPool.flags(ClassFiles.of(LibJava.class), none, none), "no call, no lock");
        assertEquals(ConstantPool.CALLS_OR_LOCKS, ConstantPool.flags(ClassFiles.of(Locker.class), none, none),
                "a lock, no native call");
    }

    @Test
    void otherClassesAreLeftAlone() {
        EntryPoints e = entryPoints(Named.class.getName() + "#launch");
        assertNull(load(e, application, getClass().getName().replace('.', '/'), ClassFiles.of(getClass())),
                "this test names the symbol in a string, never calls it");
        assertNull(load(e, application, LibJava.class.getName().replace('.', '/'), ClassFiles.of(LibJava.class)),
                "declaring the symbol is not calling it");
        assertNull(load(e, getClass().getClassLoader(), Bypass.class.getName().replace('.', '/'), ClassFiles.of(Bypass.class)),
                "the agent's own loader's classes are the agent's");
        assertNull(load(e, null, "java/lang/Thread", new byte[0]), "the boot loader's classes are the JDK's");
    }
}
