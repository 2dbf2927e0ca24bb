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
 * Follows one face through a video. Every frame is searched (in batches of the session's batch
 * size); the face followed is the one overlapping the last followed face most, or the largest
 * face when none overlaps (a cut). Its standard head framing is smoothed in time.
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

    private final FaceSession session;
    private final int cropSize;
    private final FramingSmoother smoother = new FramingSmoother();
    /** The last face found, for frames without one. */
    private Face last;
    /** The box followed in the latest frame that had a face, for choosing among the next frame's faces. */
    private FaceBox followed;
    private int framesWithoutFace;
    /** Wall time spent so far (seconds), for the debug log at close. */
    private double detectSeconds;
    private double landmarkSeconds;
    private double cropSeconds;
    private long trackedFrames;

    VideoFaceTracker(FaceSession session, int cropSize) {
        this.session = session;
        this.cropSize = cropSize;
    }

    @Override
    public AlignedFaces next(List<RgbImage> frames) {
        try (DeviceStreams.Scope work = DeviceStreams.enter(session.manager().getDevice())) {
            session.checkOpen();
            if (frames.isEmpty()) {
                throw new InvalidInputException("no frames given", "pass at least one frame");
            }
            try (NDManager scratch = session.manager().newSubManager()) {
                // each chunk is uploaded once: detection, landmarks and the crops all read it there
                List<NDArray> uploaded = new ArrayList<>();
                List<Face> found = new ArrayList<>(frames.size());
                int batch = session.options().batchSize();
                for (int start = 0; start < frames.size(); start += batch) {
                    List<RgbImage> chunk = frames.subList(start, Math.min(frames.size(), start + batch));
                    long t0 = System.nanoTime();
                    NDArray tensor = NDImageBatch.fromHost(chunk, scratch);
                    uploaded.add(tensor);
                    // landmarks only for the face followed in each frame: the others are not needed
                    List<FaceBox> chosen = new ArrayList<>();
                    List<Integer> frameOf = new ArrayList<>();
                    List<List<FaceBox>> boxes = session.boxes(tensor);
                    long t1 = System.nanoTime();
                    for (int i = 0; i < boxes.size(); i++) {
                        FaceBox b = follow(boxes.get(i), followed);
                        if (b != null) {
                            chosen.add(b);
                            frameOf.add(i);
                            followed = b;
                        }
                    }
                    List<Face> faces = session.faces(tensor, chosen, frameOf.stream().mapToInt(Integer::intValue).toArray());
                    Face[] byFrame = new Face[chunk.size()];
                    for (int k = 0; k < faces.size(); k++) {
                        byFrame[frameOf.get(k)] = faces.get(k);
                    }
                    found.addAll(Arrays.asList(byFrame));
                    detectSeconds += (t1 - t0) / 1e9;
                    landmarkSeconds += (System.nanoTime() - t1) / 1e9;
                }
                long t2 = System.nanoTime();
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
                NDList crops = new NDList();
                for (int c = 0, start = 0; c < uploaded.size(); c++, start += batch) {
                    crops.add(FaceSession.cutBatch(uploaded.get(c), transforms.subList(start, Math.min(frames.size(), start + batch)),
                            cropSize));
                }
                NDArray all = crops.size() == 1 ? crops.get(0) : NDArrays.concat(crops, 0);
                // wrap moves the crops out of scratch into a manager of their own under the session's
                AlignedFaces result = new AlignedFaces(NDImageBatch.wrap(session.manager(), all), used, poses, transforms, detected);
                cropSeconds += (System.nanoTime() - t2) / 1e9;
                if (trackedFrames == 0) {
                    // the first call pays for first device calls: worth seeing apart
                    LOG.debug("first {} frames: upload and detection {} s, landmarks and pose {} s, framing and crops {} s",
                            frames.size(), String.format(Locale.ROOT, "%.3f", detectSeconds),
                            String.format(Locale.ROOT, "%.3f", landmarkSeconds), String.format(Locale.ROOT, "%.3f", cropSeconds));
                }
                trackedFrames += frames.size();
                return result;
            }
        }
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
        LOG.debug("tracked {} frames: upload and detection {} s, landmarks and pose {} s, framing and crops {} s",
                trackedFrames, String.format(Locale.ROOT, "%.3f", detectSeconds),
                String.format(Locale.ROOT, "%.3f", landmarkSeconds), String.format(Locale.ROOT, "%.3f", cropSeconds));
    }
}
