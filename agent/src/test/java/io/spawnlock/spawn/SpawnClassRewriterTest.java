package io.spawnlock.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.spawnlock.ClassFiles;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Golden shape of the rewrite on the running JDK: the same members (so retransformation is allowed), and
 * the probe calls exactly where they belong.
 */
class SpawnClassRewriterTest {
    private static final String PROBE = "io/spawnlock/probe/SpawnProbe";

    private final SpawnClassRewriter rewriter = prepared();

    private static SpawnClassRewriter prepared() {
        SpawnClassRewriter r = new SpawnClassRewriter();
        r.prepare();
        return r;
    }

    @Test
    void processBuilderStartIsBracketedAndNothingElseChanges() {
        byte[] original = ClassFiles.bootClassFile("java.lang.ProcessBuilder");
        byte[] rewritten = rewriter.transform("java/lang/ProcessBuilder", original);
        assertEquals(ClassFiles.members(original), ClassFiles.members(rewritten));

        Map<String, List<String>> before = ClassFiles.callsPerMethod(original);
        Map<String, List<String>> after = ClassFiles.callsPerMethod(rewritten);
        String start = "start([Ljava/lang/ProcessBuilder$Redirect;)Ljava/lang/Process;";
        List<String> calls = after.get(start);
        assertEquals(PROBE + ".spawnBegin", calls.get(0));
        assertEquals(1, calls.stream().filter((PROBE + ".spawnBegin")::equals).count());
        // every normal return tells the probe; the one handler after the body, every throw
        assertEquals(ClassFiles.opcodeCount(original, start, 0xB0 /* ARETURN */),
                calls.stream().filter((PROBE + ".spawnReturned")::equals).count());
        assertEquals(PROBE + ".spawnThrew", calls.get(calls.size() - 1));
        assertEquals(1, calls.stream().filter((PROBE + ".spawnThrew")::equals).count());
        for (Map.Entry<String, List<String>> m : before.entrySet()) {
            if (!m.getKey().equals(start)) {
                assertEquals(m.getValue(), after.get(m.getKey()), m.getKey());
            }
        }
    }

    @Test
    void forkAndExecCallIsBracketedInTheConstructor() {
        byte[] original = ClassFiles.bootClassFile("java.lang.ProcessImpl");
        byte[] rewritten = rewriter.transform("java/lang/ProcessImpl", original);
        assertEquals(ClassFiles.members(original), ClassFiles.members(rewritten));

        Map<String, List<String>> after = ClassFiles.callsPerMethod(rewritten);
        int bracketed = 0;
        for (Map.Entry<String, List<String>> m : after.entrySet()) {
            List<String> calls = m.getValue();
            for (int i = 0; i < calls.size(); i++) {
                if (calls.get(i).equals("java/lang/ProcessImpl.forkAndExec")) {
                    assertBracketed(calls, i);
                    bracketed++;
                }
            }
            if (!m.getKey().startsWith("<init>")) {
                assertEquals(ClassFiles.callsPerMethod(original).get(m.getKey()), calls, m.getKey());
            }
        }
        assertEquals(1, bracketed);
    }

    private static void assertBracketed(List<String> calls, int i) {
        assertEquals(Arrays.asList(PROBE + ".execBegin", "java/lang/ProcessImpl.forkAndExec", PROBE + ".execEnd"),
                calls.subList(i - 1, i + 2));
    }

    @Test
    void theClassFileItWasPreparedFromIsServedWithoutRework() {
        byte[] original = ClassFiles.bootClassFile("java.lang.ProcessImpl");
        assertSame(rewriter.transform("java/lang/ProcessImpl", original),
                rewriter.transform("java/lang/ProcessImpl", original.clone()));
    }
}
