package io.spawnlock.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ThreadStatesTest {
    private final ThreadStates<Thread> states = new ThreadStates<Thread>() {
        @Override
        protected Thread create(Thread owner) {
            return owner;
        }

        @Override
        protected Thread ownerOf(Thread state) {
            return state;
        }
    };

    @Test
    void endedThreadsAreForgottenSoNothingPilesUp() throws Exception {
        for (int i = 0; i < 50; i++) {
            Thread t = new Thread(states::get, "short-" + i);
            t.start();
            t.join();
        }
        states.get();
        assertEquals(51, states.all().size());
        states.forgetEnded();
        assertEquals(1, states.all().size());
        assertEquals(List.of(Thread.currentThread()), states.live());
    }
}
