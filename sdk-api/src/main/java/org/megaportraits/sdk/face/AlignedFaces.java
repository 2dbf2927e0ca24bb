package org.megaportraits.sdk.face;

import java.util.List;
import org.megaportraits.sdk.Api;
import org.megaportraits.sdk.image.ImageBatch;

/**
 * Aligned square crops of one face per frame, ready for a model: the crops, the face each came
 * from, the head pose, the transform back into the frame, and for each frame whether its face was
 * detected (false: no face was found and the policy filled it in, see {@link FaceTracker}).
 * Owns the crops: close it when done.
 */
@Api(Api.Status.STABLE)
public record AlignedFaces(ImageBatch crops, List<Face> faces, List<HeadPose> poses,
                           List<CropTransform> transforms, List<Boolean> detected) implements AutoCloseable {

    /** Copies the lists. */
    public AlignedFaces {
        faces = List.copyOf(faces);
        poses = List.copyOf(poses);
        transforms = List.copyOf(transforms);
        detected = List.copyOf(detected);
    }

    /** Number of frames. */
    public int size() {
        return poses.size();
    }

    /**
     * Each face's 68 landmarks in its crop's pixels (for a compositor's landmark-seeded mattes).
     *
     * @since 1.1
     */
    @Api(value = Api.Status.EXPERIMENTAL, since = "0.1")
    public List<double[]> cropLandmarks() {
        return java.util.stream.IntStream.range(0, faces.size())
                .mapToObj(i -> transforms.get(i).toCrop(faces.get(i).landmarks())).toList();
    }

    /** Frees the crops. */
    @Override
    public void close() {
        crops.close();
    }
}
