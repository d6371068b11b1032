package io.spawnlock;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.commons.ClassRemapper;
import net.bytebuddy.jar.asm.commons.Remapper;

/** Reads compiled classes for tests that check what bytecode refers to. */
public final class ClassFiles {
    private ClassFiles() {}

    /** The compiled classes of a package of this module (main output), as class files. */
    public static List<Path> compiledClassesOf(String packageName) {
        Path dir = Paths.get("target", "classes").resolve(packageName.replace('.', '/'));
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".class")).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many instructions of {@code opcode} the method ({@code name+descriptor}) has. */
    public static long opcodeCount(byte[] classFile, String method, int opcode) {
        long[] count = {0};
        new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                if (!method.equals(name + descriptor)) {
                    return null;
                }
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitInsn(int op) {
                        if (op == opcode) {
                            count[0]++;
                        }
                    }
                };
            }
        }, 0);
        return count[0];
    }

    /** Every type a class file names (internal names, array and primitive types left out). */
    public static Set<String> referencedTypes(byte[] classFile) {
        Set<String> types = new TreeSet<>();
        Remapper recording = new Remapper() {
            @Override
            public String map(String internalName) {
                types.add(internalName);
                return internalName;
            }
        };
        new ClassReader(classFile).accept(new ClassRemapper(new ClassWriter(0), recording), 0);
        return types;
    }

    /** Per method ({@code name+descriptor}), the methods it calls, as {@code owner.name}, in order. */
    public static Map<String, List<String>> callsPerMethod(byte[] classFile) {
        Map<String, List<String>> calls = new LinkedHashMap<>();
        new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                List<String> list = new ArrayList<>();
                calls.put(name + descriptor, list);
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String n, String d, boolean itf) {
                        list.add(owner + "." + n);
                    }
                };
            }
        }, 0);
        return calls;
    }

    /** The fields and methods a class declares, as {@code name descriptor}. */
    public static Set<String> members(byte[] classFile) {
        Set<String> members = new TreeSet<>();
        new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public net.bytebuddy.jar.asm.FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
                members.add("field " + name + " " + descriptor + " " + access);
                return null;
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                members.add("method " + name + descriptor + " " + access);
                return null;
            }
        }, 0);
        return members;
    }

    /** The class file a class was defined from, read from its loader. */
    public static byte[] of(Class<?> c) {
        String name = c.getName();
        try (InputStream in = c.getResourceAsStream(name.substring(name.lastIndexOf('.') + 1) + ".class")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Defines {@code bytes} as class {@code name}, initialised, in a loader of its own whose parent loads
     * everything else: a rewritten copy beside the original. A bad stack map frame fails here.
     */
    public static Class<?> defineAlone(String name, byte[] bytes, ClassLoader parent) throws ClassNotFoundException {
        ClassLoader loader = new ClassLoader(parent) {
            @Override
            protected Class<?> loadClass(String n, boolean resolve) throws ClassNotFoundException {
                if (n.equals(name)) {
                    Class<?> c = findLoadedClass(n);
                    return c != null ? c : defineClass(n, bytes, 0, bytes.length);
                }
                return super.loadClass(n, resolve);
            }
        };
        return Class.forName(name, true, loader);
    }

    public static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] bootClassFile(String binaryName) {
        try (InputStream in = ClassLoader.getSystemResourceAsStream(binaryName.replace('.', '/') + ".class")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
