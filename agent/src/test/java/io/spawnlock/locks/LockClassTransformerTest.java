package io.spawnlock.locks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spawnlock.ClassFiles;
import io.spawnlock.guard.AgentWarnings;
import io.spawnlock.recording.Recording;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The load-time pass through the transformer: application classes are read and rewritten; the JDK's never. */
class LockClassTransformerTest {
    private final List<String> notes = new ArrayList<>();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final SpawnLocks locks = new SpawnLocks(new Recording());
    private final SpawnCalls calls = new SpawnCalls(List.of());
    private final LockClassTransformer transformer = new LockClassTransformer(locks, List.of(), calls,
            new AgentWarnings(new PrintStream(stderr)), notes::add);

    private static final byte[] SPAWNER = ClassFiles.of(LoadTimeScanTest.Direct.class);
    private static final String NAME = LoadTimeScanTest.Direct.class.getName().replace('.', '/');
    /** An application's loader: not the one the agent's classes came from (here, the tests' own). */
    private final ClassLoader application = new ClassLoader(getClass().getClassLoader()) { };

    /** A first load of {@code name} from {@code loader} with SPAWNER's bytes, as the class gate passes it: its constant pool read once. */
    private byte[] load(ClassLoader loader, String name) {
        return transformer.rewrite(loader, name, null, SPAWNER,
                io.spawnlock.agent.ConstantPool.flags(SPAWNER, calls.owners(), calls.names()));
    }

    @Test
    void anApplicationClassIsRewrittenAsItLoads() throws Exception {
        byte[] rewritten = load(application, NAME);
        assertNotNull(rewritten, "a lock around a spawn: rewritten at its first load; " + notes + stderr);
        assertEquals(1, notes.size(), notes.toString());
        assertTrue(notes.get(0).endsWith(" (as the class loaded)"), notes.toString());
        assertNotNull(locks.locksIn(NAME));
        assertTrue(ClassFiles.referencedTypes(rewritten).contains("io/spawnlock/probe/LockProbe"));
        assertEquals("", stderr.toString());
    }

    @Test
    void theJdksOwnClassesAreNeverRead() {
        // the same bytes, as a class of the platform loader or in a JDK package: not the application's locks
        assertNull(load(ClassLoader.getPlatformClassLoader(), NAME));
        assertNull(load(application, "java/sql/Spawner"));
        assertNull(load(application, "jdk/internal/Spawner"));
        assertNull(load(getClass().getClassLoader(), NAME), "the agent's own");
        assertEquals(List.of(), notes);
        assertNull(locks.locksIn(NAME));
    }
}
