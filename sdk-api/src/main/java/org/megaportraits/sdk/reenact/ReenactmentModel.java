package org.megaportraits.sdk.reenact;

import java.util.List;
import org.megaportraits.sdk.Api;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.ModelDescriptor;
import org.megaportraits.sdk.face.HeadPose;
import org.megaportraits.sdk.image.ImageBatch;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The one-shot base model, an OSGi service: a source image is encoded into an {@link Avatar} once;
 * each batch of driver frames then costs only motion extraction and rendering. Work happens in
 * sessions; a session keeps the model version it was opened on until closed, even when the bundle
 * is replaced meanwhile.
 */
@Api(Api.Status.STABLE)
@ProviderType
public interface ReenactmentModel {

    /** What model this is, including whether its weights are trained. */
    ModelDescriptor descriptor();

    /** Opens a session on a device and precision; loads the weights there. */
    Session open(ExecutionOptions options);

    /**
     * The model bound to one device and precision. One call at a time, unless {@link
     * #acceptsConcurrentCalls()} says otherwise.
     */
    @ProviderType
    interface Session extends AutoCloseable {

        /** The options the session runs with. */
        ExecutionOptions options();

        /** Output side in pixels (512 for the paper's model). */
        int resolution();

        /**
         * Encodes a source into an avatar.
         *
         * @param source aligned crop of the source, one image at {@link #resolution()}
         * @param pose   its head pose
         * @param mask   its foreground matte (one channel), or null to use the whole crop
         */
        Avatar encodeAvatar(ImageBatch source, HeadPose pose, ImageBatch mask);

        /**
         * Motion of a batch of aligned driver crops (any size: they are resized for the
         * expression encoder) with their head poses, one per crop.
         */
        Motion extractMotion(ImageBatch drivers, List<HeadPose> poses);

        /**
         * Renders the avatar with each frame's motion: a batch of the motion's size, fp32 in
         * [0, 1] on the session's device, processed {@link ExecutionOptions#batchSize()} frames at
         * a time. Null options mean {@link DrivingOptions#ABSOLUTE_DRIVER}.
         */
        ImageBatch render(Avatar avatar, Motion motion, DrivingOptions options);

        /**
         * Whether calls may come from several threads at once (the default: no, one call at a time).
         * A session that says yes gives every caller the same results as one call after another;
         * on a GPU a second caller can then queue its batch while the first one's is finishing.
         *
         * @since 1.1
         */
        default boolean acceptsConcurrentCalls() {
            return false;
        }

        /** Frees the weights on the device once nothing else uses them. */
        @Override
        void close();
    }
}
