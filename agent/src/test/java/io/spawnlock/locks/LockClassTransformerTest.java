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
    private final LockClassTransformer transformer = new LockClassTransformer(locks, List.of(), new SpawnCalls(List.of()),
            new AgentWarnings(new PrintStream(stderr)), notes::add);

    private static final byte[] SPAWNER = ClassFiles.of(LoadTimeScanTest.Direct.class);
    private static final String NAME = LoadTimeScanTest.Direct.class.getName().replace('.', '/');
    /** An application's loader: not the one the agent's classes came from (here, the tests' own). */
    private final ClassLoader application = new ClassLoader(getClass().getClassLoader()) { };

    @Test
    void anApplicationClassIsRewrittenAsItLoads() throws Exception {
        byte[] rewritten = transformer.transform(application, NAME, null, null, SPAWNER);
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
        assertNull(transformer.transform(ClassLoader.getPlatformClassLoader(), NAME, null, null, SPAWNER));
        assertNull(transformer.transform(application, "java/sql/Spawner", null, null, SPAWNER));
        assertNull(transformer.transform(application, "jdk/internal/Spawner", null, null, SPAWNER));
        assertNull(transformer.transform(getClass().getClassLoader(), NAME, null, null, SPAWNER), "the agent's own");
        assertEquals(List.of(), notes);
        assertNull(locks.locksIn(NAME));
    }
}
