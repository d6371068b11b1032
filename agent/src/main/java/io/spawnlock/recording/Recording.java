package io.spawnlock.recording;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** All tags recorded in this JVM, in the order they first appeared. */
public final class Recording {
    private final ConcurrentMap<String, TagRecorder> byTag = new ConcurrentHashMap<>();
    private final List<TagRecorder> inOrder = new CopyOnWriteArrayList<>();

    /** The recorder for a tag, created on first use (not on a hot path: callers keep the result). */
    public TagRecorder tag(String tag) {
        return byTag.computeIfAbsent(tag, t -> {
            TagRecorder r = new TagRecorder(t);
            inOrder.add(r);
            return r;
        });
    }

    List<TagRecorder> tags() {
        return inOrder;
    }
}
