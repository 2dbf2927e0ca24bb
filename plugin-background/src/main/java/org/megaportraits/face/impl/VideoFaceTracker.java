package org.megaportraits.face.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.megaportraits.face.align.Framing;
import org.megaportraits.face.align.FramingSmoother;
import org.megaportraits.face.align.HeadFraming;
import org.megaportraits.face.pose.MeanFace;
import org.megaportraits.face.pose.PoseFit;
import org.megaportraits.nn.tensor.DeviceStreams;
import org.megaportraits.nn.tensor.NDImageBatch;
import org.megaportraits.sdk.InvalidInputException;
import org.megaportraits.sdk.face.AlignedFaces;
import org.megaportraits.sdk.face.CropTransform;
import org.megaportraits.sdk.face.Face;
import org.megaportraits.sdk.face.FaceBox;
import org.megaportraits.sdk.face.FaceTracker;
import org.megaportraits.sdk.face.HeadPose;
import org.megaportraits.sdk.image.RgbImage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one face through a video, in batches of the session's batch size. The detector searches
 * key frames (each batch's first and last frame and every few between, {@link #detectEvery()});
 * between key frames that hold one face moving, its box is interpolated, and where a face appears,
 * leaves or jumps between key frames, every frame between is searched. The face followed is the
 * one overlapping the last followed face most, or the largest face when none overlaps (a cut).
 * Every frame's face gets its landmarks from its box, as a detected face does. Its standard head
 * framing is smoothed in time.
 *
 * <p>Frames without a face: the last face found is reused. Before the first face of the video,
 * the first face found later in the same call is used; if a call holds no face at all and none
 * was seen before, the crop is the centred square of the frame with a frontal pose and a mean
 * face placed in it (box score 0). Such frames are reported as not detected.
 */
final class VideoFaceTracker implements FaceTracker {

    private static final Logger LOG = LoggerFactory.getLogger(VideoFaceTracker.class);

    /** Least overlap with the last followed face for a face to count as the same one. */
    private static final double SAME_FACE_IOU = 0.05;
    /** Least overlap of two key frames' boxes for the frames between to take interpolated boxes. */
    private static final double INTERPOLATE_IOU = 0.3;
    /** The system property for {@link #detectEvery}. */
    static final String DETECT_EVERY_PROPERTY = "portraits.face.detectEvery";
    /** Default of {@link #detectEvery}. */
    static final int DEFAULT_DETECT_EVERY = 4;

    private final FaceSession session;
    private final int cropSize;
    private final FramingSmoother smoother = new FramingSmoother();
    /** Key frames are this many frames apart at most (1: the detector sees every frame). */
    private final int detectEvery;
    /** Frames the detector saw, for the debug log. */
    private long detectedFrames;
    /** The last face found, for frames without one. */
    private Face last;
    /** The box followed in the latest frame that had a face, for choosing among the next frame's faces. */
    private FaceBox followed;
    private volatile int framesWithoutFace;
    /** Wall time spent so far (seconds), for the debug log at close. */
    private double detectSeconds;
    private double landmarkSeconds;
    private double cropSeconds;
    private long trackedFrames;

    VideoFaceTracker(FaceSession session, int cropSize, int detectEvery) {
        if (detectEvery < 1) {
            throw new IllegalArgumentException("key frames for face detection must be at least 1 frame apart, not " + detectEvery);
        }
        this.session = session;
        this.cropSize = cropSize;
        this.detectEvery = detectEvery;
    }

    /**
     * How many frames apart the tracker's key frames are at most: the system property
     * {@value #DETECT_EVERY_PROPERTY} (a whole number, 1 for every frame), else {@value #DEFAULT_DETECT_EVERY}.
     */
    static int detectEvery() {
        String v = System.getProperty(DETECT_EVERY_PROPERTY);
        if (v == null || v.isBlank()) {
            return DEFAULT_DETECT_EVERY;
        }
        try {
            int k = Integer.parseInt(v.trim());
            if (k >= 1) {
                return k;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidInputException("-D" + DETECT_EVERY_PROPERTY + "=" + v + " is not a frame count",
                "set it to a whole number of frames, 1 or more (1 runs the face detector on every frame)");
    }

    @Override
    public AlignedFaces next(List<RgbImage> frames) {
        return complete(search(frames));
    }

    /**
     * Uploads the frames (each chunk of the session's batch size once: detection, landmarks and the
     * crops all read it there) and finds the box followed in each frame. The followed box is this
     * step's state; the last face and the framing are {@link #complete}'s, so the two may run on two
     * threads (the face session's detector here, its landmark net and pose fitter there).
     */
    @Override
    public Search search(List<RgbImage> frames) {
        try (DeviceStreams.Scope work = DeviceStreams.enter(session.manager().getDevice())) {
            session.checkOpen();
            if (frames.isEmpty()) {
                throw new InvalidInputException("no frames given", "pass at least one frame");
            }
            long t0 = System.nanoTime();
            NDManager memory = session.manager().newSubManager();
            try {
                List<NDArray> uploaded = new ArrayList<>();
                List<FaceBox[]> boxes = new ArrayList<>();
                int batch = session.options().batchSize();
                for (int start = 0; start < frames.size(); start += batch) {
                    NDArray tensor = NDImageBatch.fromHost(frames.subList(start, Math.min(frames.size(), start + batch)), memory);
                    uploaded.add(tensor);
                    boxes.add(followedBoxes(tensor));
                }
                detectSeconds += (System.nanoTime() - t0) / 1e9;
                return new FaceSearch(this, List.copyOf(frames), memory, uploaded, boxes);
            } catch (RuntimeException | Error e) {
                memory.close();
                throw e;
            }
        }
    }

    /** A searched batch: its frames uploaded, and the box followed in each (null where none). */
    private record FaceSearch(VideoFaceTracker tracker, List<RgbImage> frames, NDManager memory, List<NDArray> uploaded,
                              List<FaceBox[]> boxes) implements Search {
        @Override
        public void close() {
            memory.close();
        }
    }

    /** Landmarks of the followed faces, the framing smoothed in time, and the crops. */
    @Override
    public AlignedFaces complete(Search search) {
        try (Search s = search; DeviceStreams.Scope work = DeviceStreams.enter(session.manager().getDevice())) {
            if (!(s instanceof FaceSearch searched) || searched.tracker() != this) {
                throw new InvalidInputException("the batch was not searched by this tracker", "complete what this tracker's search returned");
            }
            session.checkOpen();
            List<RgbImage> frames = searched.frames();
            long t1 = System.nanoTime();
            List<Face> found = new ArrayList<>(frames.size());
            for (int c = 0; c < searched.uploaded().size(); c++) {
                // landmarks only for the face followed in each frame: the others are not needed
                FaceBox[] box = searched.boxes().get(c);
                List<FaceBox> chosen = new ArrayList<>();
                List<Integer> frameOf = new ArrayList<>();
                for (int i = 0; i < box.length; i++) {
                    if (box[i] != null) {
                        chosen.add(box[i]);
                        frameOf.add(i);
                    }
                }
                List<Face> faces = session.faces(searched.uploaded().get(c), chosen, frameOf.stream().mapToInt(Integer::intValue).toArray());
                Face[] byFrame = new Face[box.length];
                for (int k = 0; k < faces.size(); k++) {
                    byFrame[frameOf.get(k)] = faces.get(k);
                }
                found.addAll(Arrays.asList(byFrame));
            }
            long t2 = System.nanoTime();
            landmarkSeconds += (t2 - t1) / 1e9;
            List<Face> used = new ArrayList<>(frames.size());
            List<Boolean> detected = new ArrayList<>(frames.size());
            Face firstLater = found.stream().filter(f -> f != null).findFirst().orElse(null);
            for (int i = 0; i < frames.size(); i++) {
                Face f = found.get(i);
                if (f != null) {
                    last = f;
                } else {
                    framesWithoutFace++;
                }
                Face fill = last != null ? last : firstLater != null ? firstLater : centred(frames.get(i));
                used.add(f != null ? f : fill);
                detected.add(f != null);
            }
            List<HeadPose> poses = new ArrayList<>();
            List<CropTransform> transforms = new ArrayList<>();
            for (int i = 0; i < frames.size(); i++) {
                PoseFit fit = session.fitter().fit(used.get(i).landmarks());
                Framing crop = smoother.next(HeadFraming.of(fit));
                poses.add(HeadFraming.pose(fit, crop));
                transforms.add(crop.transform(cropSize, frames.get(i).width(), frames.get(i).height()));
            }
            int batch = session.options().batchSize();
            NDList crops = new NDList();
            for (int c = 0, start = 0; c < searched.uploaded().size(); c++, start += batch) {
                crops.add(FaceSession.cutBatch(searched.uploaded().get(c), transforms.subList(start, Math.min(frames.size(), start + batch)),
                        cropSize));
            }
            NDArray all = crops.size() == 1 ? crops.get(0) : NDArrays.concat(crops, 0);
            // wrap moves the crops out of the search's memory into a manager of their own under the session's
            AlignedFaces result = new AlignedFaces(NDImageBatch.wrap(session.manager(), all), used, poses, transforms, detected);
            cropSeconds += (System.nanoTime() - t2) / 1e9;
            if (trackedFrames == 0) {
                // the first call pays for first device calls: worth seeing apart
                LOG.debug("first {} frames ({} searched by the detector): upload and detection {} s, landmarks and pose {} s, "
                        + "framing and crops {} s", frames.size(), detectedFrames, String.format(Locale.ROOT, "%.3f", detectSeconds),
                        String.format(Locale.ROOT, "%.3f", landmarkSeconds), String.format(Locale.ROOT, "%.3f", cropSeconds));
            }
            trackedFrames += frames.size();
            return result;
        }
    }

    /**
     * The box followed in each frame of a chunk on the device (null where there is none). The
     * detector runs on key frames only: the chunk's first and last frame and every
     * {@link #detectEvery}-th between. Between two key frames whose boxes overlap enough to be one
     * face moving, the boxes are interpolated (the landmark passes then find the face in the box,
     * as in a detected frame); elsewhere (a face appears, leaves or jumps) every frame between is
     * detected.
     */
    private FaceBox[] followedBoxes(NDArray frames) {
        int n = (int) frames.getShape().get(0);
        List<Integer> keys = new ArrayList<>();
        for (int i = 0; i < n; i += detectEvery) {
            keys.add(i);
        }
        if (keys.get(keys.size() - 1) != n - 1) {
            keys.add(n - 1);
        }
        FaceBox[] box = new FaceBox[n];
        List<List<FaceBox>> keyBoxes = session.boxes(keys.size() == n ? frames : pick(frames, keys));
        detectedFrames += keys.size();
        FaceBox previous = followed;
        for (int k = 0; k < keys.size(); k++) {
            box[keys.get(k)] = follow(keyBoxes.get(k), previous);
            previous = box[keys.get(k)] != null ? box[keys.get(k)] : previous;
        }
        List<Integer> between = new ArrayList<>();
        for (int k = 0; k + 1 < keys.size(); k++) {
            int a = keys.get(k);
            int b = keys.get(k + 1);
            if (box[a] != null && box[b] != null && box[a].iou(box[b]) >= INTERPOLATE_IOU) {
                for (int i = a + 1; i < b; i++) {
                    box[i] = interpolate(box[a], box[b], (double) (i - a) / (b - a));
                }
            } else {
                for (int i = a + 1; i < b; i++) {
                    between.add(i);
                }
            }
        }
        if (!between.isEmpty()) {
            List<List<FaceBox>> found = session.boxes(pick(frames, between));
            detectedFrames += between.size();
            for (int j = 0; j < between.size(); j++) {
                int i = between.get(j);
                FaceBox last = null;
                for (int p = i - 1; p >= 0 && last == null; p--) {
                    last = box[p];
                }
                box[i] = follow(found.get(j), last != null ? last : followed);
            }
        }
        for (FaceBox b : box) {
            followed = b != null ? b : followed;
        }
        return box;
    }

    /** The given frames of a batch on the device. */
    private static NDArray pick(NDArray frames, List<Integer> indices) {
        long[] index = indices.stream().mapToLong(Integer::longValue).toArray();
        return frames.get(frames.getManager().create(index));
    }

    private static FaceBox interpolate(FaceBox a, FaceBox b, double t) {
        return new FaceBox(a.x() + t * (b.x() - a.x()), a.y() + t * (b.y() - a.y()), a.width() + t * (b.width() - a.width()),
                a.height() + t * (b.height() - a.height()), a.score() + t * (b.score() - a.score()));
    }

    /**
     * The box to follow among a frame's boxes: the one overlapping the previous followed box most,
     * or the largest when none overlaps (or nothing was followed yet); null if there is none.
     */
    private static FaceBox follow(List<FaceBox> boxes, FaceBox previous) {
        if (boxes.isEmpty()) {
            return null;
        }
        FaceBox largest = boxes.stream().max(Comparator.comparingDouble(b -> b.width() * b.height())).orElseThrow();
        if (previous == null) {
            return largest;
        }
        FaceBox best = largest;
        double bestIou = -1;
        for (FaceBox b : boxes) {
            double iou = b.iou(previous);
            if (iou > bestIou) {
                bestIou = iou;
                best = b;
            }
        }
        return bestIou >= SAME_FACE_IOU ? best : largest;
    }

    /** A mean face looking at the camera, framed by the centred square of the frame. */
    private static Face centred(RgbImage frame) {
        double side = Math.min(frame.width(), frame.height());
        double scale = side / HeadFraming.SIDE_MM;
        double cx = frame.width() / 2.0;
        double cy = frame.height() / 2.0 + HeadFraming.CENTRE_RAISE_MM * scale;
        double[] landmarks = new double[2 * Face.LANDMARKS];
        double minX = Double.MAX_VALUE;
        double minY = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double maxY = -Double.MAX_VALUE;
        for (int i = 0; i < Face.LANDMARKS; i++) {
            double[] p = MeanFace.point(i);
            landmarks[2 * i] = cx + scale * p[0];
            landmarks[2 * i + 1] = cy + scale * p[1];
            minX = Math.min(minX, landmarks[2 * i]);
            maxX = Math.max(maxX, landmarks[2 * i]);
            minY = Math.min(minY, landmarks[2 * i + 1]);
            maxY = Math.max(maxY, landmarks[2 * i + 1]);
        }
        return new Face(new FaceBox(minX, minY, maxX - minX, maxY - minY, 0), landmarks, HeadPose.FRONTAL);
    }

    /** Frames the detector searched so far. */
    long detectedFrames() {
        return detectedFrames;
    }

    /**
     * Frames so far without a detected face.
     */
    @Override
    public int framesWithoutFace() {
        return framesWithoutFace;
    }

    @Override
    public void close() {
        // the tracker holds only its smoothing state; crops belong to the AlignedFaces handed out
        LOG.debug("tracked {} frames ({} searched by the detector): upload and detection {} s, landmarks and pose {} s, "
                + "framing and crops {} s", trackedFrames, detectedFrames, String.format(Locale.ROOT, "%.3f", detectSeconds),
                String.format(Locale.ROOT, "%.3f", landmarkSeconds), String.format(Locale.ROOT, "%.3f", cropSeconds));
    }
}
