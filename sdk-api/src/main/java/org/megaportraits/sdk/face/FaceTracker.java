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
 * <p>
 * {@code next} is two steps, which a caller may also take apart to overlap batches: {@link #search}
 * finds the faces of a batch, {@link #complete} finishes it (landmarks, framing, crops). One thread
 * may search batch k+1 while another completes batch k; searches come in the video's order, and so
 * do completions. Otherwise one call at a time: one tracker per video.
 */
@Api(Api.Status.STABLE)
@ProviderType
public interface FaceTracker extends AutoCloseable {

    /** Crops of the next frames of the video, in order: {@code complete(search(frames))}. */
    AlignedFaces next(List<RgbImage> frames);

    /**
     * The first step of {@link #next}: where the faces of the next frames are. The default only
     * keeps the frames (all the work then happens in {@link #complete}).
     *
     * @since 1.2
     */
    default Search search(List<RgbImage> frames) {
        return () -> frames;
    }

    /**
     * The second step of {@link #next}: the crops of a batch this tracker searched, which it frees.
     *
     * @since 1.2
     */
    default AlignedFaces complete(Search search) {
        try (Search s = search) {
            return next(s.frames());
        }
    }

    /**
     * A batch between {@link #search} and {@link #complete}; a caller that will not complete it closes it.
     *
     * @since 1.2
     */
    @FunctionalInterface
    interface Search extends AutoCloseable {
        /** The batch's frames. */
        List<RgbImage> frames();

        /** Frees what the search holds (device memory). */
        @Override
        default void close() {
            // the default search holds nothing but the frames
        }
    }

    /** Frames so far in which no face was detected. */
    int framesWithoutFace();

    /** Frees what the tracker holds. */
    @Override
    void close();
}
