package org.megaportraits.sdk.face;

import java.util.List;
import org.megaportraits.sdk.Api;
import org.megaportraits.sdk.image.RgbImage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Follows one face through the frames of a video, in order, and cuts aligned crops whose framing
 * is smoothed in time (a still head gives a still crop). A frame with no face reuses the last
 * face found (before the first face, the first face found later) and is reported as not detected.
 * Not thread-safe: one tracker per video.
 */
@Api(Api.Status.STABLE)
@ProviderType
public interface FaceTracker extends AutoCloseable {

    /** Crops of the next frames of the video, in order. */
    AlignedFaces next(List<RgbImage> frames);

    /** Frames so far in which no face was detected. */
    int framesWithoutFace();

    /** Frees what the tracker holds. */
    @Override
    void close();
}
