package org.megaportraits.sdk.student;

import java.util.List;
import org.megaportraits.sdk.Api;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.ModelDescriptor;
import org.megaportraits.sdk.image.ImageBatch;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The distilled real-time student (paper section 3.3), an OSGi service: renders one of the avatars
 * it was trained on from driver frames alone.
 */
@Api(Api.Status.STABLE)
@ProviderType
public interface StudentModel {

    /** What model this is. */
    ModelDescriptor descriptor();

    /** The identifiers of the avatars the student is locked to. */
    List<String> avatars();

    /** Opens a session on a device and precision. */
    Session open(ExecutionOptions options);

    /** The student on one device. Not thread-safe. */
    @ProviderType
    interface Session extends AutoCloseable {

        /** Renders the avatar with the motion of each aligned driver crop; the result stays on the device. */
        ImageBatch render(String avatarId, ImageBatch drivers);

        /** Frees the session. */
        @Override
        void close();
    }
}
