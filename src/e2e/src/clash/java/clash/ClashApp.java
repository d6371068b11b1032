package clash;

import net.bytebuddy.ByteBuddy;
import net.bytebuddy.ClassFileVersion;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.implementation.FixedValue;
import net.bytebuddy.matcher.ElementMatchers;
import org.HdrHistogram.Histogram;

/**
 * An application that carries its own, older HdrHistogram and ByteBuddy. Compiled and run by the
 * end-to-end suite against those jars, with the agent attached.
 */
public final class ClashApp {
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
        System.out.println("histogram count=" + latencies.getTotalCount());
        System.out.println("histogram from " + Histogram.class.getProtectionDomain().getCodeSource().getLocation());
        System.out.println("bytebuddy says " + made);
        System.out.println("bytebuddy from " + ByteBuddy.class.getProtectionDomain().getCodeSource().getLocation());
    }
}
