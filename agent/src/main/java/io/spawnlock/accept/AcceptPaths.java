package io.spawnlock.accept;

import io.spawnlock.capability.Capability;
import io.spawnlock.capability.ClassRewriter;
import io.spawnlock.config.TestFaults;
import io.spawnlock.guard.AgentWarnings;
import io.spawnlock.guard.Privileged;
import io.spawnlock.os.ThreadSwitches;
import io.spawnlock.probe.AcceptListener;
import io.spawnlock.probe.AcceptProbe;
import io.spawnlock.recording.Recording;
import io.spawnlock.recording.TagRecorder;
import io.spawnlock.recording.Tags;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.spi.AbstractSelectableChannel;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The herd on listening NIO channels. A channel registered with several Selectors (each an epoll instance,
 * level-triggered, never EPOLLEXCLUSIVE in the JDK) wakes every selecting thread on each connection; one
 * accepts, the others find nothing. Three measures per listening port, from the cheapest to the truest:
 * <ul>
 * <li>{@code accept.selectors.<port>}: per accepted connection, the selectors its channel is registered
 * with: the herd size it predicts;</li>
 * <li>{@code accept.null.<port>}: per {@code accept()} that returned null: a lower bound of the herd only,
 * since the kernel puts most losers back to sleep before they reach Java;</li>
 * <li>{@code accept.wakeups.<port>}: the voluntary context switches of the threads that accept on the port,
 * per accepted connection, taken every interval: the herd as it is (about 1 for one acceptor, N for N
 * selectors on one channel).</li>
 * </ul>
 * Channels bound to the same port (SO_REUSEPORT) share the port's tags. Hot path: two map lookups, a
 * reflective int read and one histogram increment per accept.
 */
public final class AcceptPaths implements AcceptListener, Capability {
    /** Listening ports measured at most (three tags each); later ones are left alone. */
    public static final int MAX_PORTS = 16;
    /** Open listening channels remembered at most. */
    static final int MAX_CHANNELS = 1024;

    private final Recording recording;
    /** {@code AbstractSelectableChannel.keyCount}: the selectors a channel is registered with. */
    private final Field keyCount;
    /** Listening channel (by identity: channels do not override equals) to its port's state. */
    private final Map<Object, Port> byChannel = new ConcurrentHashMap<>();
    private final Map<Integer, Port> byPort = new ConcurrentHashMap<>();
    private volatile boolean full;
    /** Why sampling stopped (the accept measures with it), or null while it works. */
    private volatile Throwable sampleFailure;

    private AcceptPaths(Recording recording, Field keyCount) {
        this.recording = recording;
        this.keyCount = keyCount;
    }

    /**
     * Opens the one JDK field it reads (to this module only, through the supported Instrumentation API) and
     * connects the probe; throws when this JDK's channels lack the field.
     */
    public static AcceptPaths listenTo(Recording recording, Instrumentation inst) throws ReflectiveOperationException {
        Module javaBase = Object.class.getModule();
        inst.redefineModule(javaBase, Set.of(), Map.of(),
                Map.of("java.nio.channels.spi", Set.of(AcceptPaths.class.getModule())), Set.of(), Map.of());
        Field f = AbstractSelectableChannel.class.getDeclaredField("keyCount");
        f.setAccessible(true);
        AcceptPaths paths = new AcceptPaths(recording, f);
        AcceptProbe.setListener(paths);
        return paths;
    }

    /** The listening channel's {@code accept()}, rewritten to tell the probe what each call returned. */
    @Override
    public List<ClassRewriter> rewriters() {
        return Collections.<ClassRewriter>singletonList(new AcceptClassRewriter());
    }

    /** Disconnects the probe: accepts are no longer measured. */
    public void stop() {
        AcceptProbe.setListener(null);
    }

    @Override
    public void reportHealth(AgentWarnings warnings) {
        Throwable f = sampleFailure != null ? sampleFailure : AcceptProbe.listenerFailure();
        if (f != null) {
            warnings.warnOnce("accept-recording", "measuring accept paths failed (" + AgentWarnings.describe(f)
                    + "); the accept.* tags stop");
        }
        if (full) {
            warnings.warnOnce("accept-limit", "more listening ports than " + MAX_PORTS
                    + " accept connections; the later ones are not measured");
        }
    }

    @Override
    public void accepted(Object channel, boolean connection) {
        if (Privileged.needed()) { // on an application thread: with the agent's permissions
            Privileged.run(() -> record(channel, connection));
        } else {
            record(channel, connection);
        }
    }

    private void record(Object channel, boolean connection) {
        TestFaults.check("accept-recording");
        Port port = byChannel.get(channel);
        if (port == null && (port = register(channel)) == null) {
            return;
        }
        int selectors;
        try {
            selectors = keyCount.getInt(channel);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e); // opened above: cannot happen, and the probe would report it
        }
        if (connection) {
            port.selectors.record(selectors);
            port.connections.increment();
        } else {
            port.nulls.record(selectors);
        }
        Thread thread = Thread.currentThread();
        if (!port.acceptors.containsKey(thread)) {
            port.acceptors.putIfAbsent(thread, new Acceptor(ThreadSwitches.statusOfCurrentThread()));
        }
    }

    /** The port of a listening channel seen for the first time, or null when it is not measured. */
    private Port register(Object channel) {
        SocketAddress address;
        try {
            address = ((ServerSocketChannel) channel).getLocalAddress();
        } catch (IOException e) {
            return null; // closed meanwhile
        }
        if (!(address instanceof InetSocketAddress) || byChannel.size() >= MAX_CHANNELS) {
            return null; // a Unix domain socket has no herd of this kind worth a tag
        }
        int number = ((InetSocketAddress) address).getPort();
        Port port = byPort.get(number);
        if (port == null) {
            if (byPort.size() >= MAX_PORTS) {
                full = true;
                return null;
            }
            port = byPort.computeIfAbsent(number, n -> new Port(recording, Integer.toString(n)));
        }
        byChannel.put(channel, port);
        return port;
    }

    /**
     * On the agent thread, every interval and at exit: the accepting threads' wakeups over the interval's
     * connections, and the closed channels and ended threads forgotten.
     */
    @Override
    public void sample() {
        if (sampleFailure != null) {
            return;
        }
        try {
            sampleNow();
        } catch (RuntimeException | LinkageError e) {
            sampleFailure = e; // the accept measures stop: said in reportHealth
            stop();
        }
    }

    private void sampleNow() {
        for (Port port : byPort.values()) {
            long connections = port.connections.sumThenReset();
            long wakeups = 0;
            boolean known = false;
            for (Iterator<Map.Entry<Thread, Acceptor>> it = port.acceptors.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Thread, Acceptor> e = it.next();
                Acceptor a = e.getValue();
                long now = a.status == null ? -1 : ThreadSwitches.voluntary(a.status);
                if (now >= 0 && a.last >= 0) {
                    wakeups += now - a.last;
                    known = true;
                }
                a.last = now;
                if (!e.getKey().isAlive()) {
                    it.remove();
                }
            }
            if (connections > 0 && known) {
                spread(port.wakeups, wakeups, connections);
            }
        }
        byChannel.keySet().removeIf(channel -> !((Channel) channel).isOpen());
    }

    /** Records {@code total} over {@code n} values that differ by at most one, so their sum is {@code total} exactly. */
    static void spread(TagRecorder tag, long total, long n) {
        long each = total / n;
        long rest = total % n;
        if (rest > 0) {
            tag.record(each + 1, rest);
        }
        tag.record(each, n - rest);
    }

    /** One listening port: its tags, the connections of the current interval, and the threads accepting on it. */
    private static final class Port {
        final TagRecorder selectors;
        final TagRecorder nulls;
        final TagRecorder wakeups;
        final LongAdder connections = new LongAdder();
        final Map<Thread, Acceptor> acceptors = new ConcurrentHashMap<>();

        Port(Recording recording, String name) {
            selectors = recording.tag(Tags.ACCEPT_SELECTORS + name);
            nulls = recording.tag(Tags.ACCEPT_NULL + name);
            wakeups = recording.tag(Tags.ACCEPT_WAKEUPS + name);
        }
    }

    /** A thread that accepts on a port: its status file (null: not readable) and its switches at the last sample. */
    private static final class Acceptor {
        final Path status;
        /** Written by the accepting thread before the acceptor is published, then by the agent thread only. */
        long last;

        Acceptor(Path status) {
            this.status = status;
            this.last = status == null ? -1 : ThreadSwitches.voluntary(status);
        }
    }
}
