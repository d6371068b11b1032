package io.spawnlock.core;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spawnlock.spawn.SpawnClasses;
import java.util.Set;
import java.io.PrintStream;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class ClassGateTest {
    private final ClassGate gate = new ClassGate(new AgentWarnings(new PrintStream(new ByteArrayOutputStream())), Set.of(), Set.of(), Set.of(), true);

    @Test
    void onlyTheTwoSpawnClassesOfTheBootLoaderAreTargets() {
        assertTrue(SpawnClasses.isTarget("java/lang/ProcessBuilder"));
        assertTrue(SpawnClasses.isTarget("java/lang/ProcessImpl"));
        assertFalse(SpawnClasses.isTarget("java/lang/ProcessHandleImpl"));
        assertFalse(SpawnClasses.isTarget("com/acme/ProcessBuilder"));
        assertFalse(SpawnClasses.isTarget(null));
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
