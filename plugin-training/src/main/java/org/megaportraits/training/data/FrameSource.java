package org.megaportraits.training.data;

import org.megaportraits.sdk.image.RgbImage;

/**
 * Training data as identities with frames: a video (one identity per video, VoxCeleb2-style), a
 * folder of a video's frames, or a single still image (whose source and driver are two augmented
 * views of the one picture).
 */
public interface FrameSource extends AutoCloseable {

    /** Number of identities. */
    int identities();

    /** A name for logs: the file or folder of the identity. */
    String name(int identity);

    /** Number of frames of an identity (1 for a still). */
    int frames(int identity);

    /** True if the identity is a single still image. */
    default boolean still(int identity) {
        return frames(identity) == 1;
    }

    /** Decodes a frame. Safe to call from several threads. */
    RgbImage frame(int identity, int index);

    /** Releases open files. */
    @Override
    void close();
}
