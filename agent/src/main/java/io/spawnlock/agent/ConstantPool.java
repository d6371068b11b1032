package io.spawnlock.agent;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;

/**
 * Reads a class file just far enough to tell whether it can hold a lock around a spawn: whether its method
 * references name an owner of a spawning method, and whether it takes any lock at all (a gate class's
 * method, a {@code synchronized} method, a MONITORENTER instruction in its code, found by instruction
 * lengths alone). The cheap test, run on every application class load, that decides which classes the
 * load-time pass reads. Nothing but two arrays is allocated, no class is loaded; a malformed file reads
 * as "neither".
 */
public final class ConstantPool {
    private static final int UTF8 = 1;
    private static final int CLASS = 7;
    private static final int METHODREF = 10;
    private static final int INTERFACE_METHODREF = 11;
    private static final int ACC_SYNCHRONIZED = 0x0020;
    private static final int MONITORENTER = 0xC2;
    private static final String[] GATE_PACKAGES = {"java/util/concurrent/locks/", "java/util/concurrent/Semaphore"};
    /**
     * The spawn entry points every spawn of the JDK goes through, and those of libraries known to spawn
     * without ProcessBuilder (NuProcess, whose builder reaches its fork/exec through an interface that no
     * read-ahead can follow), {@code owner.name}; and their owners.
     */
    public static final Set<String> SPAWN_METHODS = Collections.unmodifiableSet(new HashSet<>(Arrays.asList(
            "java/lang/ProcessBuilder.start", "java/lang/ProcessBuilder.startPipeline", "java/lang/Runtime.exec",
            "com/zaxxer/nuprocess/NuProcessBuilder.start", "com/zaxxer/nuprocess/NuProcessBuilder.run")));
    public static final Set<String> SPAWN_OWNERS = Collections.unmodifiableSet(new HashSet<>(Arrays.asList(
            "java/lang/ProcessBuilder", "java/lang/Runtime", "com/zaxxer/nuprocess/NuProcessBuilder")));
    /**
     * libjava's own fork/exec, by its JNI symbol: a library that bypasses ProcessBuilder (NuProcess through
     * JNA) declares a native method of this name in a class of its own. A call to a method so named, on any
     * owner, is a spawn.
     */
    private static final String[] NATIVE_SPAWNS = {"Java_java_lang_ProcessImpl_forkAndExec", "Java_java_lang_UNIXProcess_forkAndExec"};
    public static final Set<String> NATIVE_SPAWN_SYMBOLS = Collections.unmodifiableSet(new HashSet<>(Arrays.asList(NATIVE_SPAWNS)));

    private ConstantPool() {}

    /**
     * Whether a method reference of {@code classFile} is in {@code methods}, as {@code owner.name} (internal
     * owner name, any descriptor), or is named as one of {@link #NATIVE_SPAWN_SYMBOLS}; {@code owners} are
     * the owners in {@code methods}. The sets are read, never written, so
     * any thread-safe sets work. Nothing is allocated unless a reference's owner is one of {@code owners}.
     */
    public static boolean callsMethodOf(byte[] classFile, Set<String> owners, Set<String> methods) {
        try {
            return scan(classFile, owners, methods, false, false) != 0;
        } catch (RuntimeException e) { // a truncated or foreign file: the JVM will say what is wrong with it
            return false;
        }
    }

    /** Whether {@code classFile} calls one of {@code methods}, or takes a monitor, a Lock or a permit. */
    public static boolean callsOrLocks(byte[] classFile, Set<String> owners, Set<String> methods) {
        try {
            return scan(classFile, owners, methods, true, false) != 0;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Whether {@code classFile} calls a method of a class other than itself whose name starts with none of
     * {@code platformPrefixes}: whether it can reach application code at all. True for a malformed file.
     */
    public static boolean callsOutside(byte[] classFile, String[] platformPrefixes) {
        try {
            return outside(classFile, platformPrefixes);
        } catch (RuntimeException e) {
            return true;
        }
    }

    private static boolean outside(byte[] b, String[] prefixes) {
        if (b.length < 10 || u4(b, 0) != 0xCAFEBABE) {
            return true;
        }
        int count = u2(b, 8);
        int[] offsets = offsets(b, count);
        if (offsets == null) {
            return true;
        }
        int self = u2(b, offsets[0] + 2); // this_class, right after the pool
        for (int i = 1; i < count; i++) {
            int e = offsets[i];
            int tag = e == 0 ? 0 : b[e] & 0xFF;
            if ((tag == METHODREF || tag == INTERFACE_METHODREF) && u2(b, e + 1) != self) {
                int name = offsets[u2(b, offsets[u2(b, e + 1)] + 1)];
                boolean platform = b[name + 3] == '[';
                for (int p = 0; p < prefixes.length && !platform; p++) {
                    platform = startsWith(b, name, prefixes[p]);
                }
                if (!platform) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Where each entry starts (at its tag); slot 0 holds the offset just past the pool. Null if unreadable. */
    private static int[] offsets(byte[] b, int count) {
        int[] offsets = new int[count];
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
                default: return null;
            }
        }
        offsets[0] = at;
        return offsets;
    }

    /**
     * Bits of {@link #flags}: the class calls libjava's fork/exec by its JNI symbol; it calls a spawning
     * method (that one included) or takes a monitor, a Lock or a permit.
     */
    public static final int NATIVE_SPAWN = 1;
    public static final int CALLS_OR_LOCKS = 2;

    /**
     * Both answers of one read of the constant pool, for a class load that asks both ({@link #NATIVE_SPAWN},
     * {@link #CALLS_OR_LOCKS}); 0 for a malformed file.
     */
    public static int flags(byte[] classFile, Set<String> owners, Set<String> methods) {
        try {
            return scan(classFile, owners, methods, true, true);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private static int scan(byte[] b, Set<String> owners, Set<String> methods, boolean orLocks, boolean allRefs) {
        if (b.length < 10 || u4(b, 0) != 0xCAFEBABE) {
            return 0;
        }
        int count = u2(b, 8);
        int[] offsets = offsets(b, count);
        if (offsets == null) {
            return 0;
        }
        int at = offsets[0];
        int found = 0;
        byte[] ownerKind = new byte[count]; // per Class entry, decided once
        for (int i = 1; i < count; i++) {
            int e = offsets[i];
            if (e == 0) {
                continue;
            }
            int tag = b[e] & 0xFF;
            if (tag == METHODREF || tag == INTERFACE_METHODREF) {
                if (isNativeSpawn(b, offsets[u2(b, offsets[u2(b, e + 3)] + 1)])) {
                    return NATIVE_SPAWN | CALLS_OR_LOCKS;
                }
                if (found != 0) {
                    continue; // the rest is read only for a native call
                }
                int classIndex = u2(b, e + 1);
                int classEntry = offsets[classIndex];
                if ((b[classEntry] & 0xFF) != CLASS) {
                    continue;
                }
                if (ownerKind[classIndex] == UNREAD) {
                    int name = offsets[u2(b, classEntry + 1)];
                    ownerKind[classIndex] = orLocks && isGate(b, name) ? GATE : isOneOf(b, name, owners) ? OWNER : OTHER;
                }
                if (ownerKind[classIndex] == GATE || (ownerKind[classIndex] == OWNER && methods.contains(
                        utf8(b, offsets[u2(b, classEntry + 1)]) + '.' + utf8(b, offsets[u2(b, offsets[u2(b, e + 3)] + 1)])))) {
                    found = CALLS_OR_LOCKS;
                    if (!allRefs) {
                        return found;
                    }
                }
            }
        }
        return found != 0 || (orLocks && takesMonitor(b, at, offsets)) ? CALLS_OR_LOCKS : 0;
    }

    private static final byte UNREAD = 0;
    private static final byte OTHER = 1;
    private static final byte OWNER = 2;
    private static final byte GATE = 3;

    private static boolean isGate(byte[] b, int utf8Entry) {
        for (String p : GATE_PACKAGES) {
            if (startsWith(b, utf8Entry, p)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isNativeSpawn(byte[] b, int utf8Entry) {
        int length = u2(b, utf8Entry + 1);
        for (String n : NATIVE_SPAWNS) { // an array: no iterator per method reference
            if (n.length() == length && startsWith(b, utf8Entry, n)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isOneOf(byte[] b, int utf8Entry, Set<String> names) {
        int length = u2(b, utf8Entry + 1);
        for (String n : names) {
            if (n.length() == length && startsWith(b, utf8Entry, n)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the Utf8 entry starts with the ASCII {@code prefix}, compared in place. */
    private static boolean startsWith(byte[] b, int utf8Entry, String prefix) {
        if ((b[utf8Entry] & 0xFF) != UTF8 || u2(b, utf8Entry + 1) < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (b[utf8Entry + 3 + i] != (byte) prefix.charAt(i)) {
                return false;
            }
        }
        return true;
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
                if (startsWith(b, offsets[u2(b, at)], "Code") && u2(b, offsets[u2(b, at)] + 1) == 4
                        && entersMonitor(b, at + 14, u4(b, at + 10))) {
                    return true;
                }
                at += 6 + length;
            }
        }
        return false;
    }

    /** Whether the code array at {@code start} has a MONITORENTER instruction; true where it cannot tell. */
    private static boolean entersMonitor(byte[] b, int start, int length) {
        for (int pc = 0; pc < length; ) {
            int op = b[start + pc] & 0xFF;
            if (op == MONITORENTER) {
                return true;
            }
            int n = instructionLength(b, start, pc, op);
            if (n <= 0) {
                return true;
            }
            pc += n;
        }
        return false;
    }

    /** The length of the instruction at {@code pc}, from the JVM's instruction set; 0 for an unknown opcode. */
    private static int instructionLength(byte[] b, int start, int pc, int op) {
        if (op <= 0x0f || (op >= 0x1a && op <= 0x35) || (op >= 0x3b && op <= 0x83) || (op >= 0x85 && op <= 0x98)
                || (op >= 0xac && op <= 0xb1) || op == 0xbe || op == 0xbf || op == 0xc2 || op == 0xc3) {
            return 1;
        }
        switch (op) {
            case 0x10: case 0x12: case 0xa9: case 0xbc: // bipush, ldc, ret, newarray
                return 2;
            case 0x11: case 0x13: case 0x14: case 0x84: case 0xbb: case 0xbd: case 0xc0: case 0xc1: case 0xc6: case 0xc7:
                return 3;
            case 0xc5: // multianewarray
                return 4;
            case 0xb9: case 0xba: case 0xc8: case 0xc9: // invokeinterface, invokedynamic, goto_w, jsr_w
                return 5;
            case 0xc4: // wide
                return (b[start + pc + 1] & 0xFF) == 0x84 ? 6 : 4;
            case 0xaa: { // tableswitch: padding to a multiple of 4, default, low, high, the offsets
                int at = pc + 1 + ((4 - (pc + 1) % 4) % 4);
                int low = u4(b, start + at + 4);
                int high = u4(b, start + at + 8);
                return at + 12 + (high - low + 1) * 4 - pc;
            }
            case 0xab: { // lookupswitch: padding, default, the pairs
                int at = pc + 1 + ((4 - (pc + 1) % 4) % 4);
                return at + 8 + u4(b, start + at + 4) * 8 - pc;
            }
            default:
                if ((op >= 0x15 && op <= 0x19) || (op >= 0x36 && op <= 0x3a)) { // loads and stores with an index
                    return 2;
                }
                if ((op >= 0x99 && op <= 0xa8) || (op >= 0xb2 && op <= 0xb8)) { // branches, fields, invokes
                    return 3;
                }
                return 0;
        }
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
