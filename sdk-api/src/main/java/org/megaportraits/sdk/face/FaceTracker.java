package org.megaportraits.sdk.face;

import java.util.List;
import org.megaportraits.sdk.Api;
import org.megaportraits.sdk.image.RgbImage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Follows one face through the frames of a video, in order, and cuts aligned crops whose framing
 * is smoothed in time (a still head gives a still crop). The face followed is the one overlapping
 * the last followed face most (the largest face at the start, or after a cut). A frame with no
 * face reuses the last face found; before the first face of the video, the first face found later
 * in the same call; with no face seen at all yet, the centred square of the frame and a frontal
 * mean face (box score 0). Such frames are reported as not detected and never stop the job.
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
