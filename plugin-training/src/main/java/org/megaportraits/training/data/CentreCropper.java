package org.megaportraits.training.data;

import java.util.Optional;
import org.megaportraits.sdk.face.HeadPose;
import org.megaportraits.sdk.image.RgbImage;

/**
 * For data that is already face-cropped (VoxCeleb2's released crops, say) and no face pipeline:
 * the centred square of the frame, resized; a frontal pose; the whole crop as foreground; no
 * landmarks. The trainer logs a warning when it falls back to this.
 */
public final class CentreCropper implements FrameCropper {

    private final int size;

    /** Crops of side {@code size}. */
    public CentreCropper(int size) {
        this.size = size;
    }

    @Override
    public Optional<CroppedFrame> crop(RgbImage frame) {
        Planar p = Planar.of(frame);
        double side = Math.min(frame.width(), frame.height());
        Planar image = p.cropResize((frame.width() - side) / 2, (frame.height() - side) / 2, side, size);
        return Optional.of(new CroppedFrame(image, Planar.filled(1, size, size, 1f), HeadPose.FRONTAL, null));
    }

    @Override
    public void close() {
        // holds nothing
    }
}
