package io.spawnlock.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AgentOptionsTest {

    @Test
    void defaultsAreTheContracts() {
        AgentOptions o = AgentOptions.parse(null);
        assertEquals("spawnlock-%p.hlog", o.log());
        assertTrue(o.logEnabled());
        assertEquals(TimeUnit.SECONDS.toNanos(5), o.intervalNanos());
        assertTrue(o.locks().isEmpty());
        assertTrue(o.discover());
        assertEquals("USR1", o.signal());
        assertEquals("spawnlock-dumps-%p", o.dumps());
        assertEquals(0L, o.dumpEveryNanos());
        assertEquals(0L, o.dumpOnWaitNanos());
        assertEquals(AgentOptions.Args.NONE, o.args());
        assertEquals("false", o.describe().get("strict"));
        assertFalse(o.metricsEnabled());
        assertTrue(o.jmx());
        assertTrue(o.accept());
        assertEquals(AgentOptions.KEYS, Arrays.asList(o.describe().keySet().toArray()));
    }

    @Test
    void everyKeyTakesAValidValue() {
        AgentOptions o = AgentOptions.parse("log=/var/log/x-%p.hlog, interval=250ms,locks=com.acme.Gate#start;com.acme.Gate.LOCK,"
                + "discover=off,signal=SIGwinch,dumps=/tmp/d,dumpEvery=10s,dumpOnWait=500ms,args=redacted,strict=true,"
                + "metrics=/var/lib/node/spawnlock-%p.prom,jmx=off,accept=off");
        assertEquals("/var/log/x-%p.hlog", o.log());
        assertEquals(TimeUnit.MILLISECONDS.toNanos(250), o.intervalNanos());
        assertEquals(Arrays.asList("com.acme.Gate#start", "com.acme.Gate.LOCK"), o.locks());
        assertFalse(o.discover());
        assertEquals("WINCH", o.signal());
        assertEquals("/tmp/d", o.dumps());
        assertEquals(TimeUnit.SECONDS.toNanos(10), o.dumpEveryNanos());
        assertEquals(TimeUnit.MILLISECONDS.toNanos(500), o.dumpOnWaitNanos());
        assertEquals(AgentOptions.Args.REDACTED, o.args());
        assertEquals("true", o.describe().get("strict"));
        assertEquals("/var/lib/node/spawnlock-%p.prom", o.metrics());
        assertFalse(o.jmx());
        assertFalse(o.accept());
    }

    @Test
    void offTurnsThingsOff() {
        AgentOptions o = AgentOptions.parse("log=off,signal=off,dumpEvery=off,dumpOnWait=OFF");
        assertFalse(o.logEnabled());
        assertEquals("off", o.signal());
        assertEquals(0L, o.dumpEveryNanos());
        assertEquals(0L, o.dumpOnWaitNanos());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "bogus=1                 | unknown option 'bogus' (valid: log, interval, locks, spawns, discover, signal, dumps, dumpEvery, dumpOnWait, maxDumps, args, strict, metrics, jmx, accept)",
            "interval                | option 'interval' has no value: write key=value (keys: log, interval, locks, spawns, discover, signal, dumps, dumpEvery, dumpOnWait, maxDumps, args, strict, metrics, jmx, accept)",
            "interval=               | option 'interval' has an empty value",
            "interval=5              | option interval: '5' needs a unit (ns, us, ms, s, m, h), e.g. 250ms or 5s",
            "interval=5x             | option interval: '5x' has an unknown unit 'x' (use ns, us, ms, s, m or h)",
            "interval=fast           | option interval: 'fast' is not a duration (examples: 250ms, 5s, 2m)",
            "interval=1ms            | option interval=1ms is out of range (100ms to 1h)",
            "interval=2h             | option interval=2h is out of range (100ms to 1h)",
            "interval=99999999999999h| option interval: '99999999999999h' is too long",
            "log=a,log=b             | option 'log' is given twice",
            "discover=maybe          | option discover=maybe is not valid (use on or off)",
            "strict=yes              | option strict=yes is not valid (use true or false)",
            "jmx=maybe               | option jmx=maybe is not valid (use on or off)",
            "accept=1                | option accept=1 is not valid (use on or off)",
            "args=some               | option args=some is not valid (use none, redacted, full)",
            "signal=USR2             | option signal=USR2 is not valid (use USR1, WINCH, URG or off; USR2 would silence JFR's sampler, TERM/INT/HUP carry the JVM's shutdown)",
            "dumpEvery=10ms          | option dumpEvery=10ms is out of range (at least 1s)",
            "maxDumps=0              | option maxDumps=0 is out of range (1 to 10000)",
            "maxDumps=lots           | option maxDumps=lots is not a whole number (1 to 10000)",
            "maxDumps=99999999999    | option maxDumps=99999999999 is not a whole number (1 to 10000)",
            "dumpOnWait=soon         | option dumpOnWait: 'soon' is not a duration (examples: 250ms, 5s, 2m)",
            "locks=Gate              | option locks: 'Gate' is not a lock site (use com.acme.Gate#start for the locks taken in a method, or com.acme.Gate.LOCK for the lock in a field)",
            "locks=com.acme.Gate#    | option locks: 'com.acme.Gate#' is not a lock site (use com.acme.Gate#start for the locks taken in a method, or com.acme.Gate.LOCK for the lock in a field)",
            "locks=a..b              | option locks: 'a..b' is not a lock site (use com.acme.Gate#start for the locks taken in a method, or com.acme.Gate.LOCK for the lock in a field)",
            "locks=;                 | option locks has no site (use com.acme.Gate#start or com.acme.Gate.LOCK)",
            "spawns=com.acme.Launcher| option spawns: 'com.acme.Launcher' is not a method (use com.acme.Launcher#launch; every overload of the name is measured)",
            "spawns=a.B#<init>       | option spawns: 'a.B#<init>' is not a method (use com.acme.Launcher#launch; every overload of the name is measured)",
            "spawns=a..B#run         | option spawns: 'a..B#run' is not a method (use com.acme.Launcher#launch; every overload of the name is measured)",
            "spawns= ; ;             | option spawns has no method (use com.acme.Launcher#launch)",
    })
    void badOptionsNameTheKeyAndTheChoices(String raw, String message) {
        OptionException e = assertThrows(OptionException.class, () -> AgentOptions.parse(raw));
        assertEquals(message, e.getMessage());
    }

    @Test
    void strictIsReadEvenWhenTheRestIsBad() {
        assertTrue(AgentOptions.requestsStrict("interval=zzz,strict=true"));
        assertTrue(AgentOptions.requestsStrict(" strict = TRUE "));
        assertFalse(AgentOptions.requestsStrict("interval=zzz"));
        assertFalse(AgentOptions.requestsStrict("strict=false"));
        assertFalse(AgentOptions.requestsStrict(null));
    }

    @Test
    void spawnEntryPointsAreMethodsAndTheirClassesAreHeld() {
        AgentOptions o = AgentOptions.parse("spawns=com.acme.Launcher#launch; com.acme.jna.Spawner#spawn,locks=com.acme.Gate.LOCK");
        assertEquals(java.util.List.of("com.acme.Launcher#launch", "com.acme.jna.Spawner#spawn"), o.spawns());
        assertEquals(java.util.Set.of("com/acme/Launcher", "com/acme/jna/Spawner", "com/acme/Gate"), o.namedClasses());
        assertEquals("com.acme.Launcher#launch;com.acme.jna.Spawner#spawn", o.describe().get("spawns"));
    }

    @Test
    void emptyItemsAreIgnored() {
        assertEquals(TimeUnit.SECONDS.toNanos(1), AgentOptions.parse(",interval=1s,,").intervalNanos());
        assertEquals(AgentOptions.parse(null).describe(), AgentOptions.parse("  ").describe());
    }

    @Test
    void pathsExpandPidAndStartTime() {
        LocalDateTime t = LocalDateTime.of(2026, 11, 23, 9, 5, 7);
        assertEquals("/x/spawnlock-42-20261123T090507.hlog", AgentOptions.expand("/x/spawnlock-%p-%t.hlog", 42, t));
    }

    /** docs/AGENT.md's table of options has one row per option of the table here, with its default. */
    @Test
    void theDocumentedOptionsAreTheTablesWithTheirDefaults() throws Exception {
        java.util.Map<String, String> documented = new java.util.LinkedHashMap<>();
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Paths.get("..", "docs", "AGENT.md"))) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\| `([a-zA-Z]+)` \\| ([^|]+) \\|").matcher(line);
            if (m.find()) {
                documented.put(m.group(1), m.group(2).trim());
            }
        }
        java.util.Map<String, String> table = new java.util.LinkedHashMap<>();
        for (AgentOptions.Option o : AgentOptions.TABLE) {
            String shown = o.shownDefault();
            table.put(o.key, shown.isEmpty() ? "(none)" : "`" + shown + "`");
        }
        assertEquals(new java.util.TreeMap<>(table), new java.util.TreeMap<>(documented));
    }
}
