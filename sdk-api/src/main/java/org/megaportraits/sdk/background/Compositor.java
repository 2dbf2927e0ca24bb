package org.megaportraits.sdk.background;

import java.util.List;
import org.megaportraits.sdk.Api;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.face.CropTransform;
import org.megaportraits.sdk.image.ImageBatch;
import org.megaportraits.sdk.image.RgbImage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Background handling, an OSGi service (the paper imposes the background after generation):
 * foreground mattes, a background plate with the person removed, alpha compositing, and paste-back
 * of generated crops into full frames.
 */
@Api(Api.Status.STABLE)
@ProviderType
public interface Compositor {

    /** Opens a session on a device. */
    Session open(ExecutionOptions options);

    /** Compositing on one device. Not thread-safe. */
    @ProviderType
    interface Session extends AutoCloseable {

        /** Foreground mattes (one channel, 1 = person) of a batch of crops. */
        ImageBatch matte(ImageBatch images);

        /** The background of a crop with the person removed and filled in, given its matte. */
        ImageBatch backgroundPlate(ImageBatch images, ImageBatch mattes);

        /** {@code alpha * foreground + (1 - alpha) * background}, per image. */
        ImageBatch composite(ImageBatch foreground, ImageBatch alpha, ImageBatch background);

        /**
         * Pastes generated crops back into their full frames with a soft seam; the frames keep their
         * size. One crop, frame and transform per frame.
         */
        List<RgbImage> pasteBack(ImageBatch crops, List<RgbImage> frames, List<CropTransform> transforms);

        /** Frees the session. */
        @Override
        void close();
    }
}
