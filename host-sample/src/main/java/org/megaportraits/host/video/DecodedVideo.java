package org.megaportraits.host.video;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A video decoded completely into memory, replayed as a {@link FrameSource}: a job fed from it
 * does no decoding while it runs (for measuring what decoding costs a job; 480 frames of 512 px
 * take 377 MB).
 */
public final class DecodedVideo implements FrameSource {

    private final VideoInfo info;
    private final List<Object> items;
    private int next;

    private DecodedVideo(VideoInfo info, List<Object> items) {
        this.info = info;
        this.items = items;
    }

    /**
     * Decodes every frame and piece of audio of a file.
     *
     * @throws org.megaportraits.sdk.InvalidInputException as {@link VideoReader} does for a missing or damaged file
     */
    public static DecodedVideo readAll(Path file) {
        try (VideoReader reader = VideoReader.open(file)) {
            List<Object> items = new ArrayList<>();
            Object item;
            while ((item = reader.next()) != null) {
                items.add(item);
            }
            return new DecodedVideo(reader.info(), items);
        }
    }

    @Override
    public VideoInfo info() {
        return info;
    }

    /** The items in the order they were decoded, once; then null. */
    @Override
    public Object next() {
        return next < items.size() ? items.get(next++) : null;
    }

    @Override
    public void close() {
        // nothing native: the frames are plain arrays
    }
}
