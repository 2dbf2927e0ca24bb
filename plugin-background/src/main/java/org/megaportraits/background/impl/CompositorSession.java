package org.megaportraits.background.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.megaportraits.background.matte.GrabCutMatting;
import org.megaportraits.background.matte.Matting;
import org.megaportraits.background.matte.MeanFieldGrabCutMatting;
import org.megaportraits.background.paste.PasteBack;
import org.megaportraits.background.plate.PyramidFillPlate;
import org.megaportraits.nn.tensor.DeviceStreams;
import org.megaportraits.nn.tensor.Devices;
import org.megaportraits.nn.tensor.NDImageBatch;
import org.megaportraits.nn.tensor.Scalars;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.InvalidInputException;
import org.megaportraits.sdk.background.Compositor;
import org.megaportraits.sdk.face.CropTransform;
import org.megaportraits.sdk.face.Face;
import org.megaportraits.sdk.face.FaceAnalyzer;
import org.megaportraits.sdk.image.ImageBatch;
import org.megaportraits.sdk.image.RgbImage;

/**
 * Compositing on one device. Batches it returns are children of its manager (closing the session
 * frees them). The classic matte needs faces where no landmarks are given: the face session is
 * opened on first use, searched one crop at a time, and closed with this session. With the classic
 * matte, calls may come from several threads at once; a configured matting network is someone
 * else's code, so its sessions take one call at a time.
 */
final class CompositorSession implements Compositor.Session {

    private final NDManager manager;
    private final Supplier<FaceAnalyzer.Session> faceSessions;
    private final Matting configuredMatting;
    private final boolean meanField;
    private final Runnable onClose;
    private FaceAnalyzer.Session faces;
    private Matting matting;
    private volatile boolean closed;

    /**
     * @param matting      a matting network chosen by configuration, or null for the classic matte
     * @param meanField    whether the classic matte is solved by mean field on the device (else OpenCV's graph cut)
     * @param faceSessions opens a face session for the classic matte
     */
    CompositorSession(ExecutionOptions options, Matting matting, boolean meanField, Supplier<FaceAnalyzer.Session> faceSessions,
                      Runnable onClose) {
        this.manager = NDManager.newBaseManager(Devices.device(options), Devices.ENGINE);
        this.configuredMatting = matting;
        this.meanField = meanField;
        this.faceSessions = faceSessions;
        this.onClose = onClose;
    }

    @Override
    public ImageBatch matte(ImageBatch images) {
        return matte(images, null);
    }

    @Override
    public ImageBatch matte(ImageBatch images, List<double[]> landmarks) {
        try (DeviceStreams.Scope work = DeviceStreams.enter(manager.getDevice())) {
            checkOpen();
            if (landmarks != null && landmarks.size() != images.size()) {
                throw new InvalidInputException(landmarks.size() + " landmark sets given for " + images.size() + " crops",
                        "pass one landmark set (or null) per crop");
            }
            for (int i = 0; landmarks != null && i < landmarks.size(); i++) {
                double[] l = landmarks.get(i);
                if (l != null && l.length != 2 * Face.LANDMARKS) {
                    throw new InvalidInputException("landmark set " + i + " has " + l.length + " numbers, expected "
                            + 2 * Face.LANDMARKS, "pass the 68 landmarks as x0, y0, x1, y1, ... in crop pixels");
                }
            }
            checkChannels(images, 3, "images");
            try (NDManager scratch = manager.newSubManager()) {
                NDArray alpha = matting().matte(tensor(images, scratch), landmarks);
                return NDImageBatch.wrap(manager, alpha);
            }
        }
    }

    /** All batches in one matting call when they share a size (the mean-field matte's cost is mostly per call). */
    @Override
    public List<ImageBatch> mattes(List<ImageBatch> batches, List<List<double[]>> landmarks) {
        try (DeviceStreams.Scope work = DeviceStreams.enter(manager.getDevice())) {
            checkOpen();
            if (landmarks != null && landmarks.size() != batches.size()) {
                throw new InvalidInputException(landmarks.size() + " landmark lists given for " + batches.size() + " batches",
                        "pass one landmark list (or null) per batch");
            }
            boolean oneSize = batches.stream().allMatch(b -> b.height() == batches.get(0).height() && b.width() == batches.get(0).width());
            if (batches.size() < 2 || !oneSize) {
                return Compositor.Session.super.mattes(batches, landmarks);
            }
            List<double[]> all = new ArrayList<>();
            for (int i = 0; i < batches.size(); i++) {
                List<double[]> l = landmarks == null ? null : landmarks.get(i);
                for (int k = 0; k < batches.get(i).size(); k++) {
                    all.add(l == null ? null : l.get(k));
                }
            }
            List<ImageBatch> out = new ArrayList<>(batches.size());
            try (NDManager scratch = manager.newSubManager()) {
                NDList tensors = new NDList();
                for (ImageBatch b : batches) {
                    tensors.add(tensor(b, scratch).toType(DataType.FLOAT32, false));
                }
                try (ImageBatch joined = NDImageBatch.wrap(scratch, NDArrays.concat(tensors, 0));
                     ImageBatch alpha = matte(joined, all)) {
                    NDArray a = NDImageBatch.toTensor(alpha, scratch);
                    long start = 0;
                    for (ImageBatch b : batches) {
                        out.add(NDImageBatch.wrap(manager, a.get(start + ":" + (start + b.size())).duplicate()));
                        start += b.size();
                    }
                }
            } catch (RuntimeException | Error e) {
                out.forEach(ImageBatch::close);
                throw e;
            }
            return out;
        }
    }

    @Override
    public ImageBatch backgroundPlate(ImageBatch images, ImageBatch mattes) {
        try (DeviceStreams.Scope work = DeviceStreams.enter(manager.getDevice())) {
            checkOpen();
            checkChannels(images, 3, "images");
            checkChannels(mattes, 1, "mattes");
            checkSameSize(images, mattes);
            try (NDManager scratch = manager.newSubManager()) {
                NDArray plates = PyramidFillPlate.plates(tensor(images, scratch), tensor(mattes, scratch));
                return NDImageBatch.wrap(manager, plates);
            }
        }
    }

    @Override
    public ImageBatch composite(ImageBatch foreground, ImageBatch alpha, ImageBatch background) {
        try (DeviceStreams.Scope work = DeviceStreams.enter(manager.getDevice())) {
            checkOpen();
            checkChannels(foreground, 3, "foreground");
            checkChannels(alpha, 1, "alpha");
            checkChannels(background, 3, "background");
            checkSameSize(foreground, alpha);
            checkSameSize(foreground, background);
            try (NDManager scratch = manager.newSubManager()) {
                NDArray fg = tensor(foreground, scratch).toType(DataType.FLOAT32, false);
                NDArray a = tensor(alpha, scratch).toType(DataType.FLOAT32, false);
                NDArray bg = tensor(background, scratch).toType(DataType.FLOAT32, false);
                NDArray out = fg.mul(a).add(bg.mul(Scalars.rsub(1f, a)));
                return NDImageBatch.wrap(manager, out);
            }
        }
    }

    @Override
    public List<RgbImage> pasteBack(ImageBatch crops, List<RgbImage> frames, List<CropTransform> transforms) {
        try (DeviceStreams.Scope work = DeviceStreams.enter(manager.getDevice())) {
            checkOpen();
            checkChannels(crops, 3, "crops");
            if (crops.size() != frames.size() || frames.size() != transforms.size()) {
                throw new InvalidInputException(crops.size() + " crops, " + frames.size() + " frames and " + transforms.size()
                        + " transforms given", "pass one crop, frame and transform per frame");
            }
            for (int i = 0; i < frames.size(); i++) {
                RgbImage frame = frames.get(i);
                CropTransform t = transforms.get(i);
                if (t.frameWidth() != frame.width() || t.frameHeight() != frame.height()) {
                    throw new InvalidInputException("crop transform " + i + " was made for a " + t.frameWidth() + "x"
                            + t.frameHeight() + " frame, the frame is " + frame.width() + "x" + frame.height(),
                            "paste each crop into the frame it was cut from");
                }
            }
            try (NDManager scratch = manager.newSubManager()) {
                return PasteBack.pasteAll(tensor(crops, scratch), frames, transforms);
            }
        }
    }

    /**
     * The batch as a tensor whose derived arrays land in {@code scratch}: a batch's own tensor is
     * lent to scratch for the call (results of an op belong to its first operand's manager).
     */
    private static NDArray tensor(ImageBatch batch, NDManager scratch) {
        NDArray t = NDImageBatch.toTensor(batch, scratch);
        if (t.getManager() != scratch) {
            t.tempAttach(scratch);
        }
        return t;
    }

    private static void checkChannels(ImageBatch b, int channels, String what) {
        if (b.channels() != channels) {
            throw new InvalidInputException(what + " have " + b.channels() + " channels, expected " + channels,
                    channels == 1 ? "pass one-channel mattes" : "pass RGB images");
        }
    }

    private static void checkSameSize(ImageBatch a, ImageBatch b) {
        if (a.size() != b.size() || a.height() != b.height() || a.width() != b.width()) {
            throw new InvalidInputException("batches differ: " + a.size() + " x " + a.width() + "x" + a.height() + " and "
                    + b.size() + " x " + b.width() + "x" + b.height(), "pass batches of the same count and size");
        }
    }

    @Override
    public boolean acceptsConcurrentCalls() {
        return configuredMatting == null;
    }

    /** The matting, made on first use. */
    private synchronized Matting matting() {
        if (matting == null) {
            if (configuredMatting != null) {
                matting = configuredMatting;
            } else {
                matting = meanField ? new MeanFieldGrabCutMatting(this::findFaces) : new GrabCutMatting(this::findFaces);
            }
        }
        return matting;
    }

    /** Faces in a crop, for the classic matte: the face session is opened on first use and searched by one thread at a time. */
    private synchronized List<Face> findFaces(RgbImage crop) {
        if (faces == null) {
            faces = faceSessions.get();
        }
        return faces.detect(crop);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("compositor session is closed");
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            if (matting != null) {
                matting.close();
            } else if (configuredMatting != null) {
                configuredMatting.close();
            }
            if (faces != null) {
                faces.close();
            }
            manager.close();
            onClose.run();
        }
    }
}
