package org.megaportraits.sdk.face;

import java.util.List;
import org.megaportraits.sdk.Api;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.image.RgbImage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The face pipeline, an OSGi service: detection, 68 landmarks, head pose, identity embeddings and
 * alignment crops. Work happens in sessions opened for a device; a session keeps the service
 * version it was opened on until it is closed, even if the bundle is replaced meanwhile.
 */
@Api(Api.Status.STABLE)
@ProviderType
public interface FaceAnalyzer {

    /** Opens a session on a device. */
    Session open(ExecutionOptions options);

    /** A face pipeline bound to one device. Not thread-safe. */
    @ProviderType
    interface Session extends AutoCloseable {

        /** All faces in the frame with landmarks and pose, largest first; empty if none. */
        List<Face> detect(RgbImage frame);

        /** The 128-d identity embedding of a face (unit length); same person, smaller distance. */
        float[] embed(RgbImage frame, Face face);

        /** Aligned square crops of the given faces, one per frame, on the session's device. */
        AlignedFaces align(List<RgbImage> frames, List<Face> faces, int cropSize);

        /** A tracker that follows the largest face through a video. */
        FaceTracker track(int cropSize);

        /** Ends the session. */
        @Override
        void close();
    }
}
