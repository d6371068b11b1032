package io.spawnlock.agent;

import java.util.Set;

/**
 * Reads a class file just far enough to tell whether it can hold a lock around a spawn: whether its method
 * references name an owner of a spawning method, and whether it takes any lock at all (a gate class's
 * method, a {@code synchronized} method, a MONITORENTER byte in its code). The cheap test, run on every
 * application class load, that decides which classes the load-time pass reads. No code is decoded (a
 * MONITORENTER byte may be an operand: that costs a full read, never a miss), nothing but one array is
 * allocated, no class is loaded; a malformed file reads as "neither".
 */
public final class ConstantPool {
    private static final int UTF8 = 1;
    private static final int CLASS = 7;
    private static final int METHODREF = 10;
    private static final int INTERFACE_METHODREF = 11;
    private static final int ACC_SYNCHRONIZED = 0x0020;
    private static final int MONITORENTER = 0xC2;
    private static final String[] GATE_PACKAGES = {"java/util/concurrent/locks/", "java/util/concurrent/Semaphore"};

    private ConstantPool() {}

    /**
     * Whether a method reference of {@code classFile} is in {@code methods}, as {@code owner.name} (internal
     * owner name, any descriptor). The set is read, never written, so any thread-safe set works.
     */
    public static boolean callsMethodOf(byte[] classFile, Set<String> methods) {
        try {
            return scan(classFile, methods, false);
        } catch (RuntimeException e) { // a truncated or foreign file: the JVM will say what is wrong with it
            return false;
        }
    }

    /** Whether {@code classFile} calls one of {@code methods}, or takes a monitor, a Lock or a permit. */
    public static boolean callsOrLocks(byte[] classFile, Set<String> methods) {
        try {
            return scan(classFile, methods, true);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static boolean scan(byte[] b, Set<String> methods, boolean orLocks) {
        if (b.length < 10 || u4(b, 0) != 0xCAFEBABE) {
            return false;
        }
        int count = u2(b, 8);
        int[] offsets = new int[count]; // where entry i starts (at its tag)
        int at = 10;
        for (int i = 1; i < count; i++) {
            offsets[i] = at;
            int tag = b[at] & 0xFF;
            switch (tag) {
                case UTF8: at += 3 + u2(b, at + 1); break;
                case 3: case 4: case 9: case METHODREF: case INTERFACE_METHODREF: case 12: case 17: case 18:
                    at += 5; break;
                case 5: case 6: at += 9; i++; break; // long and double take two slots
                case CLASS: case 8: case 16: case 19: case 20: at += 3; break;
                case 15: at += 4; break;
                default: return false;
            }
        }
        for (int i = 1; i < count; i++) {
            int e = offsets[i];
            if (e == 0) {
                continue;
            }
            int tag = b[e] & 0xFF;
            if (tag == METHODREF || tag == INTERFACE_METHODREF) {
                int classEntry = offsets[u2(b, e + 1)];
                int nameAndType = offsets[u2(b, e + 3)];
                if ((b[classEntry] & 0xFF) == CLASS) {
                    String owner = utf8(b, offsets[u2(b, classEntry + 1)]);
                    if ((orLocks && isGate(owner))
                            || methods.contains(owner + '.' + utf8(b, offsets[u2(b, nameAndType + 1)]))) {
                        return true;
                    }
                }
            }
        }
        return orLocks && takesMonitor(b, at, offsets);
    }

    private static boolean isGate(String owner) {
        for (String p : GATE_PACKAGES) {
            if (owner.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /** From the end of the constant pool: a synchronized method, or a MONITORENTER byte in a Code attribute. */
    private static boolean takesMonitor(byte[] b, int at, int[] offsets) {
        at += 6; // access, this, super
        at += 2 + 2 * u2(b, at); // interfaces
        int fields = u2(b, at);
        at += 2;
        for (int i = 0; i < fields; i++) {
            at = skipAttributes(b, at + 6);
        }
        int methods = u2(b, at);
        at += 2;
        for (int i = 0; i < methods; i++) {
            if ((u2(b, at) & ACC_SYNCHRONIZED) != 0) {
                return true;
            }
            int attributes = u2(b, at + 6);
            at += 8;
            for (int a = 0; a < attributes; a++) {
                int length = u4(b, at + 2);
                if ("Code".equals(utf8(b, offsets[u2(b, at)]))) {
                    int codeLength = u4(b, at + 10);
                    for (int c = at + 14, end = c + codeLength; c < end; c++) {
                        if ((b[c] & 0xFF) == MONITORENTER) {
                            return true;
                        }
                    }
                }
                at += 6 + length;
            }
        }
        return false;
    }

    private static int skipAttributes(byte[] b, int at) {
        int attributes = u2(b, at);
        at += 2;
        for (int a = 0; a < attributes; a++) {
            at += 6 + u4(b, at + 2);
        }
        return at;
    }

    /** Class names are ASCII in practice; anything else reads as Latin-1, which matches no name we look for. */
    private static String utf8(byte[] b, int entry) {
        if ((b[entry] & 0xFF) != UTF8) {
            return "";
        }
        return new String(b, entry + 3, u2(b, entry + 1), java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static int u2(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    private static int u4(byte[] b, int at) {
        return (u2(b, at) << 16) | u2(b, at + 2);
    }
}
