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
}
