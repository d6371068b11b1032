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
 * <p>Fed every instruction in order by both the analysis that finds spawn locks and the rewriter that
 * instruments them, so the two always agree on a name.
 */
final class LockNames {
    private final String site;
    private final Map<Integer, String> locals = new HashMap<>();
    private String top; // name of the reference just loaded, or null
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

    void field(int opcode, String owner, String name) {
        top = opcode == Opcodes.GETFIELD || opcode == Opcodes.GETSTATIC ? fieldName(owner, name) : null;
        afterDup = false;
    }

    void var(int opcode, int var) {
        if (opcode == Opcodes.ALOAD) {
            top = locals.get(var);
        } else if (opcode == Opcodes.ASTORE) {
            locals.put(var, top);
            if (!afterDup) {
                top = null; // the stored value left the stack; after DUP its twin is still there
            }
        } else {
            top = null;
        }
        afterDup = false;
    }

    /** Any other instruction; {@code opcode} -1 for one that is not a plain instruction. */
    void other(int opcode) {
        if (opcode == Opcodes.DUP) {
            afterDup = true;
            return;
        }
        afterDup = false;
        top = null;
    }
}
