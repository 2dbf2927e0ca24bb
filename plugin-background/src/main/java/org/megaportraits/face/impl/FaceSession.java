package org.megaportraits.face.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.megaportraits.face.align.Framing;
import org.megaportraits.face.align.HeadFraming;
import org.megaportraits.face.crop.AffineSampler;
import org.megaportraits.face.crop.FaceChips;
import org.megaportraits.face.detect.FaceDetector;
import org.megaportraits.face.detect.LandmarkLocator;
import org.megaportraits.face.net.FaceApiPackage;
import org.megaportraits.face.net.FaceLandmark68Net;
import org.megaportraits.face.net.FaceRecognitionNet;
import org.megaportraits.face.net.SsdMobileNetV1;
import org.megaportraits.face.pose.PoseFit;
import org.megaportraits.face.pose.PoseFitter;
import org.megaportraits.nn.tensor.DeviceStreams;
import org.megaportraits.nn.tensor.Devices;
import org.megaportraits.nn.tensor.NDImageBatch;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.InvalidInputException;
import org.megaportraits.sdk.face.AlignedFaces;
import org.megaportraits.sdk.face.CropTransform;
import org.megaportraits.sdk.face.Face;
import org.megaportraits.sdk.face.FaceAnalyzer;
import org.megaportraits.sdk.face.FaceBox;
import org.megaportraits.sdk.face.FaceTracker;
import org.megaportraits.sdk.face.HeadPose;
import org.megaportraits.sdk.image.RgbImage;

/**
 * A face pipeline on one device. It owns an NDManager holding the detector and landmark nets
 * (the recognition net is loaded on the first {@link #embed}), and every crop batch it hands out
 * is a child of that manager: closing the session frees them all. The networks run in fp32
 * whatever the requested precision (they are small; crops come out as fp32 too).
 */
final class FaceSession implements FaceAnalyzer.Session {

    private final FaceApiPackage pkg;
    private final ExecutionOptions options;
    private final NDManager manager;
    private final FaceDetector detector;
    private final LandmarkLocator locator;
    private final PoseFitter fitter = new PoseFitter();
    private final Runnable onClose;
    private FaceRecognitionNet recognition;
    private boolean closed;

    FaceSession(FaceApiPackage pkg, ExecutionOptions options, Runnable onClose) {
        this.pkg = pkg;
        this.options = options;
        this.onClose = onClose;
        this.manager = NDManager.newBaseManager(Devices.device(options), Devices.ENGINE);
        // loaded complete, whichever thread then uses them
        try (DeviceStreams.Scope work = DeviceStreams.enter(manager.getDevice())) {
            detector = new FaceDetector(SsdMobileNetV1.load(pkg, manager), FaceDetector.MIN_SCORE);
            locator = new LandmarkLocator(FaceLandmark68Net.load(pkg, manager));
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    ExecutionOptions options() {
        return options;
    }

    NDManager manager() {
        return manager;
    }

    PoseFitter fitter() {
        return fitter;
    }

    @Override
    public List<Face> detect(RgbImage frame) {
        try (DeviceStreams.Scope work = DeviceStreams.enter(manager.getDevice())) {
            checkOpen();
            try (NDManager scratch = manager.newSubManager()) {
                return detectAll(NDImageBatch.fromHost(List.of(frame), scratch)).get(0);
            }
        }
    }

    /** Faces of each frame of an N x 3 x H x W batch on the session's device, largest first. */
    List<List<Face>> detectAll(NDArray frames) {
        List<List<FaceBox>> boxes = detector.detect(frames);
        List<FaceBox> all = new ArrayList<>();
        List<Integer> owner = new ArrayList<>();
        for (int i = 0; i < boxes.size(); i++) {
            for (FaceBox b : boxes.get(i)) {
                all.add(b);
                owner.add(i);
            }
        }
        List<Face> faces = faces(frames, all, owner.stream().mapToInt(Integer::intValue).toArray());
        List<List<Face>> perFrame = new ArrayList<>();
        for (int i = 0; i < boxes.size(); i++) {
            perFrame.add(new ArrayList<>());
        }
        for (int k = 0; k < faces.size(); k++) {
            perFrame.get(owner.get(k)).add(faces.get(k));
        }
        for (List<Face> f : perFrame) {
            f.sort(Comparator.comparingDouble((Face x) -> -x.box().width() * x.box().height()));
        }
        return perFrame;
    }

    /** Face boxes of each frame of a batch, best score first. */
    List<List<FaceBox>> boxes(NDArray frames) {
        return detector.detect(frames);
    }

    /** Landmarks and pose of the given boxes; box k lies in frame {@code frameOf[k]} of the batch. */
    List<Face> faces(NDArray frames, List<FaceBox> boxes, int[] frameOf) {
        List<double[]> first = locator.locate(frames, boxes, frameOf);
        List<PoseFit> firstFits = new ArrayList<>();
        for (double[] l : first) {
            firstFits.add(fitter.fit(l));
        }
        List<double[]> second = locator.refine(frames, firstFits, frameOf);
        List<Face> faces = new ArrayList<>(boxes.size());
        for (int k = 0; k < boxes.size(); k++) {
            // keep the pass whose landmarks the 3-D face explains better (the upright pass can
            // fail on a face hidden by hair, where the box-based pass still holds)
            PoseFit fit = fitter.fit(second.get(k));
            double[] landmarks = second.get(k);
            if (relativeError(firstFits.get(k)) < relativeError(fit)) {
                fit = firstFits.get(k);
                landmarks = first.get(k);
            }
            faces.add(new Face(boxes.get(k), landmarks, HeadFraming.pose(fit, HeadFraming.of(fit))));
        }
        return faces;
    }

    /** Fit residual in model millimetres: how far the landmarks are from any posed mean face. */
    private static double relativeError(PoseFit fit) {
        return fit.rmsError() / fit.scale();
    }

    @Override
    public float[] embed(RgbImage frame, Face face) {
        try (DeviceStreams.Scope work = DeviceStreams.enter(manager.getDevice())) {
            checkOpen();
            if (recognition == null) {
                recognition = FaceRecognitionNet.load(pkg, manager);
            }
            try (NDManager scratch = manager.newSubManager()) {
                NDArray image = NDImageBatch.fromHost(List.of(frame), scratch);
                NDArray chip = AffineSampler.resample(image, FaceChips.chipToImage(face.landmarks(), FaceChips.SIZE),
                        FaceChips.SIZE, FaceChips.SIZE);
                return recognition.embed(new ParameterStore(scratch, false), chip, false).toFloatArray();
            }
        }
    }

    @Override
    public AlignedFaces align(List<RgbImage> frames, List<Face> faces, int cropSize) {
        try (DeviceStreams.Scope work = DeviceStreams.enter(manager.getDevice())) {
            checkOpen();
            if (frames.size() != faces.size() || frames.isEmpty()) {
                throw new InvalidInputException(frames.size() + " frames and " + faces.size() + " faces given",
                        "pass one face per frame, at least one");
            }
            checkCropSize(cropSize);
            List<HeadPose> poses = new ArrayList<>();
            List<CropTransform> transforms = new ArrayList<>();
            List<Framing> framings = new ArrayList<>();
            for (int i = 0; i < frames.size(); i++) {
                PoseFit fit = fitter.fit(faces.get(i).landmarks());
                Framing f = HeadFraming.of(fit);
                framings.add(f);
                poses.add(HeadFraming.pose(fit, f));
                transforms.add(f.transform(cropSize, frames.get(i).width(), frames.get(i).height()));
            }
            NDImageBatch crops = cut(frames, transforms, cropSize);
            return new AlignedFaces(crops, faces, poses, transforms, Collections.nCopies(frames.size(), true));
        }
    }

    /** Cuts one crop per frame on the device; the batch is a child of the session's manager. */
    NDImageBatch cut(List<RgbImage> frames, List<CropTransform> transforms, int cropSize) {
        NDList crops = new NDList();
        try (NDManager scratch = manager.newSubManager()) {
            for (int i = 0; i < frames.size(); i++) {
                // frames may differ in size: one upload each
                NDArray image = NDImageBatch.fromHost(List.of(frames.get(i)), scratch);
                crops.add(cutBatch(image, List.of(transforms.get(i)), cropSize));
            }
            NDArray batch = crops.size() == 1 ? crops.get(0) : NDArrays.concat(crops, 0);
            // wrap moves the batch out of scratch into a manager of its own under the session's
            return NDImageBatch.wrap(manager, batch);
        }
    }

    /**
     * Crop k of frame k of a batch already on the device (N x 3 x H x W), on the frames' manager:
     * frames shrunk by a whole factor f >= 2 are first area-averaged by f (one pooling of the batch
     * per factor), so small crops of large frames do not alias; one resampling per factor.
     */
    static NDArray cutBatch(NDArray frames, List<CropTransform> transforms, int cropSize) {
        int n = transforms.size();
        Map<Integer, List<Integer>> byFactor = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            CropTransform t = transforms.get(i);
            double shrink = Math.min(Math.hypot(t.a00(), t.a10()), Math.hypot(t.a01(), t.a11())) * t.cropSize() / cropSize;
            byFactor.computeIfAbsent(Math.max(1, (int) Math.floor(shrink)), k -> new ArrayList<>()).add(i);
        }
        NDList parts = new NDList();
        int[] order = new int[n];
        int next = 0;
        for (Map.Entry<Integer, List<Integer>> group : byFactor.entrySet()) {
            int f = group.getKey();
            NDArray source = f < 2 ? frames
                    : Pool.avgPool2d(frames, new Shape(f, f), new Shape(f, f), new Shape(0, 0), true, false);
            List<double[]> maps = new ArrayList<>();
            int[] reads = new int[group.getValue().size()];
            for (int j = 0; j < reads.length; j++) {
                int i = group.getValue().get(j);
                CropTransform t = transforms.get(i).forCropSize(cropSize);
                maps.add(new double[] {t.a00() / f, t.a01() / f, t.a02() / f, t.a10() / f, t.a11() / f, t.a12() / f});
                reads[j] = i;
                order[i] = next++;
            }
            // a crop that leaves the frame continues its edge: black blocks would be taken for
            // background by the mattes and spread by the plate's fill
            parts.add(AffineSampler.sample(source, maps, reads, cropSize, cropSize, AffineSampler.Border.REPLICATE));
        }
        NDArray all = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 0);
        if (parts.size() == 1) {
            return all;
        }
        long[] index = new long[n];
        for (int i = 0; i < n; i++) {
            index[i] = order[i];
        }
        return all.get(frames.getManager().create(index));
    }

    @Override
    public FaceTracker track(int cropSize) {
        checkOpen();
        checkCropSize(cropSize);
        return new VideoFaceTracker(this, cropSize, VideoFaceTracker.detectEvery());
    }

    private static void checkCropSize(int cropSize) {
        if (cropSize < 16 || cropSize > 4096) {
            throw new InvalidInputException("crop size " + cropSize + " is out of range", "use a crop side from 16 to 4096 pixels");
        }
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("face analyzer session is closed");
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            manager.close();
            onClose.run();
        }
    }
}
