package org.megaportraits.sdk.enhance;

import org.megaportraits.sdk.Api;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.ModelDescriptor;
import org.megaportraits.sdk.image.ImageBatch;
import org.osgi.annotation.versioning.ProviderType;

/** The megapixel enhancer (paper section 3.2), an OSGi service: base-model renders up to a higher resolution. */
@Api(Api.Status.STABLE)
@ProviderType
public interface Enhancer {

    /** What model this is. */
    ModelDescriptor descriptor();

    /** Opens a session on a device and precision. */
    Session open(ExecutionOptions options);

    /**
     * The enhancer on one device. One call at a time, unless {@link #acceptsConcurrentCalls()}
     * says otherwise.
     */
    @ProviderType
    interface Session extends AutoCloseable {

        /** Input side in pixels (512). */
        int inputResolution();

        /** Output side in pixels (1024). */
        int outputResolution();

        /** Enhances a batch of renders; the result stays on the device. */
        ImageBatch enhance(ImageBatch renders);

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

        /** Frees the session. */
        @Override
        void close();
    }
}
