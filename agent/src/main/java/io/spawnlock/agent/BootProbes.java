package io.spawnlock.agent;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Defines the probe classes (jar entries {@code boot/**.classdata}) in the boot loader, where inlined JDK
 * code can see them.
 *
 * <p>Appending a jar to the boot class path would do the same, but makes HotSpot print a CDS warning on
 * the application's stderr and turns class sharing off for application classes. Defining the classes
 * directly does neither. The JDK's own {@code ClassLoader.defineClass1} accepts a null (boot) loader; we
 * reach it by opening {@code java.lang} to this module only, through the supported Instrumentation API.
 */
final class BootProbes {
    static final String PREFIX = "boot/";
    static final String SUFFIX = ".classdata";

    private BootProbes() {}

    static void define(Instrumentation inst, JarFile agentJar) throws Throwable {
        Map<String, byte[]> pending = new LinkedHashMap<>();
        Enumeration<JarEntry> entries = agentJar.entries();
        while (entries.hasMoreElements()) {
            JarEntry entry = entries.nextElement();
            String name = entry.getName();
            if (name.startsWith(PREFIX) && name.endsWith(SUFFIX)) {
                String className = name.substring(PREFIX.length(), name.length() - SUFFIX.length()).replace('/', '.');
                if (!isDefined(className)) {
                    pending.put(className, read(agentJar, entry));
                }
            }
        }
        if (pending.isEmpty()) {
            return;
        }
        Module javaBase = Object.class.getModule();
        Module self = BootProbes.class.getModule();
        inst.redefineModule(javaBase, Set.of(), Map.of(), Map.of("java.lang", Set.of(self)), Set.of(), Map.of());
        // Plain reflection, not a MethodHandle: for a native method it needs no LambdaForm spinning, which
        // would cost tens of milliseconds before the application's main.
        Method defineClass1 = ClassLoader.class.getDeclaredMethod("defineClass1", ClassLoader.class, String.class,
                byte[].class, int.class, int.class, ProtectionDomain.class, String.class);
        defineClass1.setAccessible(true);
        // A class whose supertypes are not defined yet fails; define the rest and come back to it.
        while (!pending.isEmpty()) {
            List<String> done = new ArrayList<>();
            Throwable last = null;
            for (Map.Entry<String, byte[]> e : pending.entrySet()) {
                byte[] bytes = e.getValue();
                try {
                    defineClass1.invoke(null, null, e.getKey(), bytes, 0, bytes.length, null, null);
                    done.add(e.getKey());
                } catch (InvocationTargetException ex) {
                    if (!(ex.getCause() instanceof NoClassDefFoundError)) {
                        throw ex.getCause();
                    }
                    last = ex.getCause();
                }
            }
            if (done.isEmpty()) {
                throw last;
            }
            pending.keySet().removeAll(done);
        }
    }

    private static boolean isDefined(String className) {
        try {
            Class.forName(className, false, null);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    static byte[] read(JarFile jar, JarEntry entry) throws IOException {
        try (InputStream in = jar.getInputStream(entry)) {
            return in.readAllBytes();
        }
    }
}
