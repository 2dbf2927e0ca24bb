package org.megaportraits.training.data;

import java.util.Optional;
import org.megaportraits.sdk.image.RgbImage;

/** Turns a decoded frame into the model's aligned crop with matte and pose. One per thread. */
public interface FrameCropper extends AutoCloseable {

    /** The crop of the frame's main face, or empty if the frame has no usable face. */
    Optional<CroppedFrame> crop(RgbImage frame);

    /** Frees what the cropper holds. */
    @Override
    void close();
}
