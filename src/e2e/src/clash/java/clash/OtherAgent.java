package clash;

import java.lang.instrument.Instrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * Another ByteBuddy agent, with the application's ByteBuddy, that instruments the same JDK method as
 * spawnlock: {@code ProcessBuilder.start()}. Its advice marks a system property, so both agents' rewrites
 * of the class must compose for the application to report it and spawnlock to count the spawns.
 */
public final class OtherAgent {
    public static void premain(String options, Instrumentation inst) {
        new AgentBuilder.Default()
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .ignore(ElementMatchers.none())
                .type(ElementMatchers.named("java.lang.ProcessBuilder"))
                .transform(new AgentBuilder.Transformer.ForAdvice()
                        .include(OtherAgent.class.getClassLoader())
                        .advice(ElementMatchers.named("start").and(ElementMatchers.takesArguments(0)), Seen.class.getName()))
                .installOn(inst);
    }

    /** Inlined into ProcessBuilder.start(): java.base code, so it may only use java.base. */
    public static final class Seen {
        @Advice.OnMethodExit
        static void exit() {
            System.setProperty("clash.otherAgent", "saw start()");
        }
    }
}
