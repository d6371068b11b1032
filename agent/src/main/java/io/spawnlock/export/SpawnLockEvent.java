package io.spawnlock.export;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** One acquire and release of a spawn lock, committed by the releasing thread. */
@Name("io.spawnlock.SpawnLock")
@Label("Spawn Lock")
@Category("spawnlock")
@Description("One acquisition of a lock held around spawns: its wait and its hold")
@StackTrace(false)
public final class SpawnLockEvent extends jdk.jfr.Event {
    @Label("Lock")
    String lock;

    @Label("Wait")
    @Description("-1 if the wait was not seen (a synchronized method called from an unmeasured site)")
    @Timespan
    long waitTime;

    @Label("Hold")
    @Timespan
    long holdTime;

    @Label("Overtaken")
    @Description("Acquisitions by other threads while this one waited")
    long overtaken;

    @Label("Waiters At Release")
    long waiters;
}
