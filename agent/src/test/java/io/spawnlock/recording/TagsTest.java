package io.spawnlock.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.Test;

/** Every tag the agent writes has a meaning in the one catalogue, which the HTML report's glossary shows. */
class TagsTest {
    @Test
    void everyTagAndFamilyHasAMeaning() throws Exception {
        int checked = 0;
        for (Field f : Tags.class.getDeclaredFields()) {
            if (Modifier.isPublic(f.getModifiers()) && f.getType() == String.class) {
                String name = (String) f.get(null);
                String tag = name.endsWith(".") ? name + "com.acme.Gate.LOCK" : name;
                assertNotNull(Tags.meaning(tag), "no meaning for " + tag);
                assertEquals(name, Tags.family(tag));
                checked++;
            }
        }
        assertEquals(25, checked, "a tag added to Tags is counted here too");
        assertNull(Tags.meaning("lock.wait."), "a family's prefix alone is no tag");
        assertNull(Tags.meaning("spawnx"));
    }

    @Test
    void eachTagHasTheUnitItsValuesAreIn() {
        for (String t : new String[] {"spawn", "spawn.failed", "spawn.exec", "spawn.cpu", "spawn.cpu.sys", "spawn.child",
                "spawn.lockwait", "lock.wait.G.L", "lock.hold.G.L", "lock.spawn.G.L", "lock.exec.G.L", "lock.futile.G.L",
                "somebody.elses"}) {
            assertEquals(Unit.NANOS, Tags.unitOf(t), t);
        }
        for (String t : new String[] {"spawn.minflt", "spawn.nvcsw", "os.fds", "os.fds.limit", "os.minflt", "lock.queue.G.L",
                "lock.overtaken.G.L", "lock.broadcast.G.L", "accept.selectors.8080", "accept.null.8080", "accept.wakeups.8080"}) {
            assertEquals(Unit.COUNT, Tags.unitOf(t), t);
        }
        assertEquals(Unit.BYTES, Tags.unitOf("os.rss"));
        assertEquals(Unit.BYTES, Tags.unitOf("os.anon4k"));
    }

    @Test
    void aFamilyReadsWithWhatItIsPer() {
        assertEquals("lock.wait.<lock>", Tags.familyLabel("lock.wait.com.acme.Gate.LOCK"));
        assertEquals("accept.null.<port>", Tags.familyLabel("accept.null.8080"));
        assertEquals("spawn.exec", Tags.familyLabel("spawn.exec"));
    }

    /** Tag names are spelled in Tags alone: no other main source holds one as a string of its own. */
    @Test
    void noOtherMainSourceSpellsATagName() throws Exception {
        java.util.regex.Pattern literal = java.util.regex.Pattern.compile("\"((?:spawn|lock|os|accept)(?:\\.[a-z0-9]+)*\\.?)\"");
        java.util.List<String> found = new java.util.ArrayList<>();
        java.nio.file.Path main = java.nio.file.Paths.get("src", "main", "java");
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(main)) {
            for (java.nio.file.Path f : (Iterable<java.nio.file.Path>) files.filter(p -> p.toString().endsWith(".java")
                    && !p.endsWith(java.nio.file.Paths.get("io", "spawnlock", "recording", "Tags.java")))::iterator) {
                java.util.regex.Matcher m = literal.matcher(java.nio.file.Files.readString(f));
                while (m.find()) {
                    if (Tags.meaning(m.group(1)) != null || Tags.meaning(m.group(1) + "x") != null) {
                        found.add(main.relativize(f) + ": \"" + m.group(1) + "\"");
                    }
                }
            }
        }
        assertEquals(java.util.List.of(), found);
    }
}
