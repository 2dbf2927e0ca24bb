package org.megaportraits.sdk.reenact;

import org.megaportraits.sdk.Api;
import org.megaportraits.sdk.face.HeadPose;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A source person encoded once (appearance volume, global descriptor, source motion), kept on the
 * session's device and driven by any number of frames. Close it to free its memory.
 */
@Api(Api.Status.STABLE)
@ProviderType
public interface Avatar extends AutoCloseable {

    /** The head pose of the source image. */
    HeadPose sourcePose();

    /** Frees the avatar. */
    @Override
    void close();
}
