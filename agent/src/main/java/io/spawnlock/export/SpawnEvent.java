package io.spawnlock.export;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** One {@code ProcessBuilder.start()}, committed by the spawning thread as it returns (or throws). */
@Name("io.spawnlock.Spawn")
@Label("Spawn")
@Category("spawnlock")
@Description("One ProcessBuilder.start() or Runtime.exec, with its phases")
@StackTrace(true)
public final class SpawnEvent extends jdk.jfr.Event {
    @Label("Wall Time")
    @Timespan
    long wallTime;

    @Label("Fork/Exec Time")
    @Description("The native fork/exec part; -1 if the spawn failed before it")
    @Timespan
    long execTime;

    @Label("Parent CPU In Fork/Exec")
    @Description("CPU time of the spawning thread in the native part; -1 if not measured")
    @Timespan
    long cpuTime;

    @Label("Spawn Lock Wait")
    @Description("How long the thread waited for the innermost spawn lock it held; -1 if none")
    @Timespan
    long lockWait;

    @Label("Spawn Lock")
    String lock;

    @Label("Launch Mechanism")
    String launchMechanism;

    @Label("Executable")
    @Description("As the agent's args option allows: the file name (none), the path and *** per argument (redacted), the command line (full)")
    String executable;

    @Label("Child Pid")
    @Description("-1 if the spawn failed")
    long pid;

    @Label("Failed")
    boolean failed;
}
