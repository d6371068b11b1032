package io.spawnlock.cli;

import io.spawnlock.os.JvmProcess;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Optional;
import java.util.Properties;

/**
 * The JDK's Attach API ({@code com.sun.tools.attach.VirtualMachine}), reached by reflection: the module
 * {@code jdk.attach} lives in the application class loader, which the agent's isolated loader does not see.
 * Same user only, as the API enforces.
 */
final class AttachApi implements AutoCloseable {
    /** Why an attach or a load failed, in one line for the user. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message);
        }
    }

    private final Class<?> vmClass;
    private final Object vm;

    private AttachApi(Class<?> vmClass, Object vm) {
        this.vmClass = vmClass;
        this.vm = vm;
    }

    static AttachApi attach(String pid) throws Failure {
        String refusal = JvmProcess.refusal(pid);
        if (refusal != null) {
            throw new Failure(refusal + "; nothing was sent to it");
        }
        Optional<Module> module = ModuleLayer.boot().findModule("jdk.attach");
        if (!module.isPresent()) {
            throw new Failure("this java has no jdk.attach module: run the jar with a JDK's java, not a JRE's");
        }
        try {
            Class<?> vmClass = Class.forName("com.sun.tools.attach.VirtualMachine", true, module.get().getClassLoader());
            return new AttachApi(vmClass, vmClass.getMethod("attach", String.class).invoke(null, pid));
        } catch (InvocationTargetException e) {
            throw new Failure("cannot attach to process " + pid + " (" + e.getCause().getMessage()
                    + "); it must be a running JVM of this user with attach enabled");
        } catch (ReflectiveOperationException e) {
            throw new Failure("the Attach API is not usable here (" + e + ")");
        }
    }

    Properties systemProperties() throws Failure {
        return (Properties) call("getSystemProperties", new Class<?>[0]);
    }

    void loadAgent(String jar, String options) throws Failure {
        call("loadAgent", new Class<?>[] {String.class, String.class}, jar, options);
    }

    @Override
    public void close() {
        try {
            call("detach", new Class<?>[0]);
        } catch (Failure e) {
            // the target is gone or closed the connection: nothing to detach from
        }
    }

    private Object call(String name, Class<?>[] types, Object... args) throws Failure {
        try {
            Method m = vmClass.getMethod(name, types);
            return m.invoke(vm, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new Failure(cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
        } catch (ReflectiveOperationException e) {
            throw new Failure("the Attach API is not usable here (" + e + ")");
        }
    }
}
