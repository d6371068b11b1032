package io.spawnlock.locks;

import io.spawnlock.config.AgentOptions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.utility.OpenedClassReader;

/**
 * The spawn-lock sites named by the {@code locks=} option, resolved against a class's bytes when the class
 * is loaded, so that they are measured from their first acquisition, spawn or no spawn.
 *
 * <ul>
 * <li>{@code com.acme.Gate#start}: every monitor and Lock acquired in the methods named {@code start}, and
 * the methods themselves when they are {@code synchronized}. The locks keep their usual names
 * ({@link LockNames}): a block on a field is {@code com.acme.Gate.FIELD}, not the site.</li>
 * <li>{@code com.acme.Gate.LOCK}: the monitor or Lock in that field, wherever the declaring class acquires it.</li>
 * </ul>
 */
final class ConfiguredSites {
    /** One lock a site resolved to. */
    static final class Found {
        final ClassLocks.Kind kind;
        final String key;
        final String lock;
        final String site;

        Found(ClassLocks.Kind kind, String key, String lock, String site) {
            this.kind = kind;
            this.key = key;
            this.lock = lock;
            this.site = site;
        }
    }

    /** Internal class name -> the members named in it: "#method" or ".FIELD". */
    private final Map<String, List<String>> byClass = new HashMap<>();

    /** @param sites the option's sites, already checked for form by the option parser */
    ConfiguredSites(List<String> sites) {
        for (String site : sites) {
            String owner = AgentOptions.lockSiteClass(site);
            byClass.computeIfAbsent(owner.replace('.', '/'), k -> new ArrayList<>()).add(site.substring(owner.length()));
        }
    }

    boolean covers(String internalClassName) {
        return byClass.containsKey(internalClassName);
    }

    /**
     * The locks the sites in this class resolve to. A site that names nothing in the class, or a method
     * that takes no lock, is reported through {@code problems}, one line each.
     */
    List<Found> resolve(String internalClassName, byte[] classFile, List<String> problems) {
        List<String> members = byClass.get(internalClassName);
        if (members == null) {
            return Collections.emptyList();
        }
        String type = internalClassName.replace('/', '.');
        Set<String> methods = new HashSet<>();
        Set<String> fields = new HashSet<>();
        for (String m : members) {
            (m.charAt(0) == '#' ? methods : fields).add(m.substring(1));
        }
        Set<String> declaredFields = new HashSet<>();
        Set<String> declaredMethods = new HashSet<>();
        Map<String, Map<String, Found>> inMethod = new HashMap<>();
        OpenedClassReader.of(classFile).accept(new ClassVisitor(OpenedClassReader.ASM_API) {
            @Override
            public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
                declaredFields.add(name);
                return null;
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                if (!methods.contains(name)) {
                    return null;
                }
                declaredMethods.add(name);
                String site = type + "#" + name;
                Map<String, Found> found = inMethod.computeIfAbsent(name, k -> new LinkedHashMap<>());
                if (LockInstructions.isSynchronized(access)) {
                    add(found, new Found(ClassLocks.Kind.SYNCHRONIZED_METHOD, name + descriptor,
                            new LockNames(internalClassName, name).site(), site));
                }
                return new LockTrackingVisitor(null, internalClassName, name) {
                    @Override
                    protected void monitorEnter(String lock) {
                        add(found, new Found(ClassLocks.Kind.ACQUIRED, lock, lock, site));
                    }

                    @Override
                    protected void monitorExit(String lock, boolean inHandler) {
                    }

                    @Override
                    protected void lockCall(LockInstructions.GateCall gate, String lock, boolean inHandler,
                                            int opcode, String owner, String n, String d, boolean itf) {
                        if (!gate.release) {
                            add(found, new Found(ClassLocks.Kind.ACQUIRED, lock, lock, site));
                        }
                    }

                    @Override
                    protected void call(int opcode, String owner, String n, String d, boolean itf) {
                    }
                };
            }
        }, ClassReader.SKIP_FRAMES);
        List<Found> result = new ArrayList<>();
        for (String m : methods) {
            Map<String, Found> found = inMethod.get(m);
            if (!declaredMethods.contains(m)) {
                problems.add("locks: " + type + " has no method " + m);
            } else if (found.isEmpty()) {
                problems.add("locks: " + type + "#" + m + " takes no monitor or Lock (nothing to measure there)");
            } else {
                result.addAll(found.values());
            }
        }
        for (String f : fields) {
            if (!declaredFields.contains(f)) {
                problems.add("locks: " + type + " has no field " + f);
            } else {
                String lock = LockNames.fieldName(internalClassName, f);
                result.add(new Found(ClassLocks.Kind.ACQUIRED, lock, lock, type + "." + f));
            }
        }
        return result;
    }

    /** Several blocks on one lock in a method are one lock. */
    private static void add(Map<String, Found> found, Found f) {
        found.putIfAbsent(f.kind + " " + f.key, f);
    }
}
