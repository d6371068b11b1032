package io.spawnlock.spawn;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spawnlock.core.AgentWarnings;
import java.io.PrintStream;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class SpawnTransformerTest {
    private final SpawnTransformer gate = new SpawnTransformer(new AgentWarnings(new PrintStream(new ByteArrayOutputStream())));

    @Test
    void onlyTheTwoSpawnClassesOfTheBootLoaderAreTargets() {
        assertTrue(SpawnTransformer.isTarget("java/lang/ProcessBuilder"));
        assertTrue(SpawnTransformer.isTarget("java/lang/ProcessImpl"));
        assertFalse(SpawnTransformer.isTarget("java/lang/ProcessHandleImpl"));
        assertFalse(SpawnTransformer.isTarget("com/acme/ProcessBuilder"));
        assertFalse(SpawnTransformer.isTarget(null));
    }

    @Test
    void otherClassesPassUntouchedAndAnApplicationsOwnProcessBuilderIsLeftAlone() {
        byte[] bytes = {1, 2, 3};
        assertNull(gate.transform(null, "java/lang/String", null, null, bytes));
        assertNull(gate.transform(null, null, null, null, bytes));
        // same name, but not the boot loader's: never rewritten, never held
        assertNull(gate.transform(getClass().getClassLoader(), "java/lang/ProcessBuilder", null, null, bytes));
    }
}
