package io.spawnlock.sample;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The accept herd of the JVM: one listening channel registered with several Selectors, each on its own
 * thread, as XNIO once did. Every connection wakes every selector thread; one accepts it, the others find
 * nothing. The fix: one listening channel per selector, bound to the same port with SO_REUSEPORT, so the
 * kernel hands each connection to one of them.
 */
final class AcceptHerd {
    private static final long CONNECTION_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long SETTLE_MILLIS = 50;

    private final List<ServerSocketChannel> channels = new ArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger nulls = new AtomicInteger();
    private volatile boolean stop;

    private AcceptHerd() {}

    /**
     * Runs {@code connections} connections, one at a time, against {@code threads} selector threads. On
     * success the listening channels and their selector threads (daemons) stay to the end of the JVM, as a
     * server's do.
     */
    static String run(int threads, int connections, boolean fixed) throws IOException, InterruptedException {
        AcceptHerd herd = new AcceptHerd();
        try {
            return herd.runOpen(threads, connections, fixed);
        } catch (IOException e) {
            for (ServerSocketChannel c : herd.channels) {
                c.close();
            }
            throw e;
        }
    }

    private String runOpen(int threads, int connections, boolean fixed) throws IOException, InterruptedException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        ServerSocketChannel first = listener(fixed, new InetSocketAddress(loopback, 0));
        InetSocketAddress address = (InetSocketAddress) first.getLocalAddress();
        for (int i = 1; fixed && i < threads; i++) {
            listener(true, address);
        }
        CountDownLatch registered = new CountDownLatch(threads);
        List<Thread> selectorThreads = new ArrayList<>();
        List<Selector> selectors = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Selector selector = Selector.open();
            selectors.add(selector);
            ServerSocketChannel channel = channels.get(fixed ? i : 0);
            Thread t = new Thread(() -> selectLoop(selector, channel, registered), "acceptor-" + i);
            t.setDaemon(true); // left running to the end, as a server's selector threads are
            t.start();
            selectorThreads.add(t);
        }
        registered.await();
        long start = System.nanoTime();
        try {
            for (int i = 1; i <= connections; i++) {
                SocketChannel.open(address).close();
                long deadline = System.nanoTime() + CONNECTION_TIMEOUT_NANOS;
                while (accepted.get() < i) { // one connection at a time: each is its own wakeup
                    if (System.nanoTime() > deadline) {
                        throw new IOException("connection " + i + " was not accepted within 10 s");
                    }
                    Thread.sleep(1);
                }
            }
        } catch (IOException e) {
            stopAll(selectors, selectorThreads);
            throw e;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Thread.sleep(SETTLE_MILLIS); // the last connection's losers reach accept() or go back to sleep
        String setup = fixed
                ? threads + " selector threads, each with its own listening channel on port " + address.getPort() + " (SO_REUSEPORT)"
                : threads + " selector threads on one listening channel, port " + address.getPort();
        return String.format(Locale.ROOT, "spawnlock-sample: accept herd, %s%nsummary connections=%d nullAccepts=%d seconds=%.3f",
                setup, accepted.get(), nulls.get(), seconds);
    }

    private void stopAll(List<Selector> selectors, List<Thread> threads) throws IOException, InterruptedException {
        stop = true;
        for (Selector s : selectors) {
            s.wakeup();
        }
        for (Thread t : threads) {
            t.join();
        }
        for (Selector s : selectors) {
            s.close();
        }
    }

    private ServerSocketChannel listener(boolean reusePort, InetSocketAddress address) throws IOException {
        ServerSocketChannel c = ServerSocketChannel.open();
        channels.add(c);
        if (reusePort) {
            if (!c.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                throw new IOException("SO_REUSEPORT is not supported here, so --fixed cannot run");
            }
            c.setOption(StandardSocketOptions.SO_REUSEPORT, true);
        }
        c.bind(address);
        c.configureBlocking(false);
        return c;
    }

    private void selectLoop(Selector selector, ServerSocketChannel channel, CountDownLatch registered) {
        try {
            channel.register(selector, SelectionKey.OP_ACCEPT);
            registered.countDown();
            while (!stop) {
                selector.select();
                for (SelectionKey key : selector.selectedKeys()) {
                    SocketChannel c = ((ServerSocketChannel) key.channel()).accept();
                    if (c == null) {
                        nulls.incrementAndGet(); // another selector's thread took it first
                    } else {
                        c.close();
                        accepted.incrementAndGet();
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            System.err.println("spawnlock-sample: " + Thread.currentThread().getName() + ": " + e);
            registered.countDown();
        }
    }
}
