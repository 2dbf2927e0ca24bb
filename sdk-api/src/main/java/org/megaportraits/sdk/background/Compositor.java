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
 * of generated crops into full frames. Batches a session returns are freed when they are closed or
 * when the session closes. Implementations document their matting and inpainting (the reference
 * bundle: GrabCut seeded from the face and a push-pull fill, or a configured matting network).
 */
@Api(Api.Status.STABLE)
@ProviderType
public interface Compositor {

    /** Opens a session on a device. */
    Session open(ExecutionOptions options);

    /**
     * Compositing on one device. One call at a time, unless {@link #acceptsConcurrentCalls()}
     * says otherwise.
     */
    @ProviderType
    interface Session extends AutoCloseable {

        /** Foreground mattes (one channel, 1 = person) of a batch of crops. */
        ImageBatch matte(ImageBatch images);

        /**
         * Foreground mattes of crops whose faces are already known: {@code landmarks} holds, per
         * crop, the 68 landmarks in crop pixels ({@code x0, y0, ...}, as {@link
         * org.megaportraits.sdk.face.Face#landmarks()}) or null where unknown. A tracker's crops
         * come with them, which saves finding the faces again. Implementations whose matting does
         * not use faces may ignore them; the default does.
         *
         * @since 1.1
         */
        @Api(value = Api.Status.EXPERIMENTAL, since = "0.1")
        default ImageBatch matte(ImageBatch images, List<double[]> landmarks) {
            return matte(images);
        }

        /**
         * Mattes of several batches of crops of one size, in the order given, each batch with its
         * landmarks as for {@link #matte(ImageBatch, List)} (a list per batch, or null). An
         * implementation may matte them all in one pass (the reference bundle does: a job's
         * rendered and driver crops cost one call instead of two); the default mattes one batch
         * after another.
         *
         * @since 1.2
         */
        @Api(value = Api.Status.EXPERIMENTAL, since = "0.1")
        default List<ImageBatch> mattes(List<ImageBatch> batches, List<List<double[]>> landmarks) {
            if (landmarks != null && landmarks.size() != batches.size()) {
                throw new IllegalArgumentException(landmarks.size() + " landmark lists for " + batches.size() + " batches");
            }
            List<ImageBatch> out = new java.util.ArrayList<>(batches.size());
            try {
                for (int i = 0; i < batches.size(); i++) {
                    out.add(matte(batches.get(i), landmarks == null ? null : landmarks.get(i)));
                }
            } catch (RuntimeException | Error e) {
                out.forEach(ImageBatch::close);
                throw e;
            }
            return out;
        }

        /** The background of a crop with the person removed and filled in, given its matte. */
        ImageBatch backgroundPlate(ImageBatch images, ImageBatch mattes);

        /** {@code alpha * foreground + (1 - alpha) * background}, per image. */
        ImageBatch composite(ImageBatch foreground, ImageBatch alpha, ImageBatch background);

        /**
         * Pastes generated crops back into their full frames with a soft seam (a feathered border);
         * the frames keep their size and pixels outside the crops keep their values. One crop,
         * frame and transform per frame; a crop of another size than its transform's is scaled.
         */
        List<RgbImage> pasteBack(ImageBatch crops, List<RgbImage> frames, List<CropTransform> transforms);

        /**
         * Whether calls may come from several threads at once (the default: no, one call at a time).
         * A session that says yes gives every caller the same results as one call after another;
         * on a GPU a second caller can then queue its batch while the first one's is finishing.
         *
         * @since 1.3
         */
        default boolean acceptsConcurrentCalls() {
            return false;
        }

        /** Frees the session. */
        @Override
        void close();
    }
}
