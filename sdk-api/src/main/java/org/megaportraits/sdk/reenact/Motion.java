package org.megaportraits.sdk.reenact;

import java.util.List;
import org.megaportraits.sdk.Api;
import org.megaportraits.sdk.face.HeadPose;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Motion of a batch of driver frames: head poses and latent expression codes, on the session's
 * device. Close it to free its memory.
 */
@Api(Api.Status.STABLE)
@ProviderType
public interface Motion extends AutoCloseable {

    /** Number of frames. */
    int size();

    /** The head pose of each frame. */
    List<HeadPose> poses();

    /** The motion of frame i alone (shares nothing that outlives this motion's close). */
    Motion frame(int i);

    /** Frees the motion. */
    @Override
    void close();
}
