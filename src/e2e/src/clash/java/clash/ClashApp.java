package clash;

import com.sun.jna.Library;
import com.sun.jna.Native;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.ClassFileVersion;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.implementation.FixedValue;
import net.bytebuddy.matcher.ElementMatchers;
import org.HdrHistogram.Histogram;

/**
 * An application that carries its own HdrHistogram, ByteBuddy and JNA (older than the agent's, or the same
 * and newer). Compiled and run by the end-to-end suite against those jars, with the agent attached: on the
 * class path, in a custom class loader, and beside another ByteBuddy agent.
 */
public final class ClashApp {
    /** The C library as the application's own JNA sees it. */
    public interface C extends Library {
        int getpid();
    }

    public static void main(String[] args) throws Exception {
        Histogram latencies = new Histogram(3_600_000_000_000L, 3);
        for (int i = 0; i < 10; i++) {
            long t0 = System.nanoTime();
            new ProcessBuilder("true").start().waitFor();
            latencies.recordValue(System.nanoTime() - t0);
        }
        Object made = new ByteBuddy(ClassFileVersion.JAVA_V8)
                .subclass(Object.class)
                .method(ElementMatchers.named("toString"))
                .intercept(FixedValue.value("made by the application's ByteBuddy"))
                .make()
                .load(ClashApp.class.getClassLoader(), ClassLoadingStrategy.Default.WRAPPER)
                .getLoaded()
                .getDeclaredConstructor()
                .newInstance();
        C c = Native.load("c", C.class);
        System.out.println("histogram count=" + latencies.getTotalCount());
        System.out.println("histogram from " + Histogram.class.getProtectionDomain().getCodeSource().getLocation());
        System.out.println("bytebuddy says " + made);
        System.out.println("bytebuddy from " + ByteBuddy.class.getProtectionDomain().getCodeSource().getLocation());
        System.out.println("jna getpid " + (c.getpid() == ProcessHandle.current().pid() ? "ok" : "wrong"));
        System.out.println("jna from " + Native.class.getProtectionDomain().getCodeSource().getLocation());
        System.out.println("other agent " + System.getProperty("clash.otherAgent", "absent"));
    }
}
