package io.spawnlock.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spawnlock.guard.AgentWarnings;
import io.spawnlock.spawn.SpawnClasses;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClassGateTest {
    private final ByteArrayOutputStream said = new ByteArrayOutputStream();
    private final ClassGate gate = new ClassGate(new AgentWarnings(new PrintStream(said)), Set.of(), Set.of(), Set.of(), true);

    private static byte[] jdkClass(String internalName) throws IOException {
        try (InputStream in = Object.class.getModule().getResourceAsStream(internalName + ".class")) {
            return in.readAllBytes();
        }
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
     * With its spawn rewriter ready, the gate rewrites the boot loader's ProcessBuilder (so the checks below
     * can fail: a gate that returned null for everything passed the old form of this test) and nothing else.
     */
    @Test
    void theBootLoadersSpawnClassIsRewrittenAndOtherClassesPassUntouched() throws IOException {
        gate.prepareSpawnRewriter();
        byte[] processBuilder = jdkClass("java/lang/ProcessBuilder");
        byte[] string = jdkClass("java/lang/String");
        byte[] rewritten = gate.transform(null, "java/lang/ProcessBuilder", null, null, processBuilder);
        assertNotNull(rewritten, "the boot loader's ProcessBuilder is rewritten");
        assertFalse(java.util.Arrays.equals(processBuilder, rewritten));
        assertNull(gate.transform(null, "java/lang/String", null, null, string));
        assertNull(gate.transform(null, null, null, null, string));
        // same name and bytes, but not the boot loader's: never rewritten, never held
        assertNull(gate.transform(getClass().getClassLoader(), "java/lang/ProcessBuilder", null, null, processBuilder));
        assertEquals("", said.toString(StandardCharsets.UTF_8), "nothing to say");
    }
}
