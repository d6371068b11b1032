package io.spawnlock.locks;

import java.util.HashMap;
import java.util.Map;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Follows a method's instructions and names the object a MONITORENTER, MONITOREXIT or {@code Lock} call
 * acts on: {@code com.acme.Gate.LOCK} when it was loaded from a field (directly, or through a local the
 * field was stored in, as javac does for {@code synchronized} and as {@code final Lock l = this.lock} does),
 * otherwise the site, {@code com.acme.Gate#start}. Names use only {@code [A-Za-z0-9._#$-]}.
 *
 * <p>A gate call with arguments ({@code sem.tryAcquire(1, SECONDS)}) has its receiver below them, so the
 * last named reference is kept as the receiver while only argument pushes follow it: constants, primitive
 * loads and fields, a {@code TimeUnit} constant. A view of a read/write lock ({@code rw.writeLock()})
 * keeps the name of the lock it views, so both sides of it are one lock.
 *
 * <p>Fed every instruction in order by both the analysis that finds spawn locks and the rewriter that
 * instruments them, so the two always agree on a name.
 */
final class LockNames {
    private final String site;
    private final Map<Integer, String> locals = new HashMap<>();
    private static final String TIME_UNIT = "Ljava/util/concurrent/TimeUnit;";
    private String top; // name of the reference just loaded, or null
    private String receiver; // the last named reference, while only argument pushes followed it
    private boolean afterDup;

    LockNames(String internalClassName, String methodName) {
        this.site = clean(internalClassName.replace('/', '.') + "#" + methodName);
    }

    /** The site name of this method: {@code com.acme.Gate#start}. */
    String site() {
        return site;
    }

    /** The name of the lock object on top of the stack now. */
    String current() {
        return top != null ? top : site;
    }

    /** The name of the receiver of a call whose arguments were pushed after it. */
    String receiver() {
        return receiver != null ? receiver : site;
    }

    static String fieldName(String owner, String field) {
        return clean(owner.replace('/', '.') + "." + field);
    }

    static String clean(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '#' || c == '$' || c == '-';
            sb.append(ok ? c : '_');
        }
        return sb.toString();
    }

    void field(int opcode, String owner, String name, String descriptor) {
        boolean read = opcode == Opcodes.GETFIELD || opcode == Opcodes.GETSTATIC;
        boolean reference = descriptor.startsWith("L") || descriptor.startsWith("[");
        if (read && reference && !descriptor.equals(TIME_UNIT)) {
            top = fieldName(owner, name);
            receiver = top;
        } else {
            top = null;
            if (!read) {
                receiver = null;
            } // a primitive or a TimeUnit read is an argument: the receiver stays
        }
        afterDup = false;
    }

    void var(int opcode, int var) {
        if (opcode == Opcodes.ALOAD) {
            top = locals.get(var);
            if (top != null) {
                receiver = top;
            } // an unnamed reference may be the owner of a primitive argument field: the receiver stays
        } else if (opcode >= Opcodes.ILOAD && opcode <= Opcodes.DLOAD) {
            top = null; // an argument
        } else if (opcode == Opcodes.ASTORE) {
            locals.put(var, top);
            if (!afterDup) {
                top = null; // the stored value left the stack; after DUP its twin is still there
            }
            receiver = top;
        } else {
            top = null;
            receiver = null;
        }
        afterDup = false;
    }

    /** An instruction that pushes a constant: an argument, which leaves the receiver where it was. */
    void argument() {
        afterDup = false;
        top = null;
    }

    /** A call that returns a view of the lock on top of the stack: the view has its name. */
    void view() {
        afterDup = false;
    }

    /** Any other instruction; {@code opcode} -1 for one that is not a plain instruction. */
    void other(int opcode) {
        if (opcode == Opcodes.DUP) {
            afterDup = true;
            return;
        }
        if (opcode >= Opcodes.ACONST_NULL + 1 && opcode <= Opcodes.DCONST_1) {
            argument();
            return;
        }
        afterDup = false;
        top = null;
        receiver = null;
    }
}
