package org.megaportraits.basemodel.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import org.megaportraits.basemodel.net.BaseGenerator;
import org.megaportraits.basemodel.net.BaseModelConfig;
import org.megaportraits.nn.tensor.DeviceStreams;
import org.megaportraits.nn.tensor.NDImageBatch;
import org.megaportraits.nn.warp.RigidPose;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.InvalidInputException;
import org.megaportraits.sdk.face.HeadPose;
import org.megaportraits.sdk.image.ImageBatch;
import org.megaportraits.sdk.reenact.Avatar;
import org.megaportraits.sdk.reenact.DrivingOptions;
import org.megaportraits.sdk.reenact.Motion;
import org.megaportraits.sdk.reenact.ReenactmentModel;

/**
 * A session on one loaded model. Avatars and motions it makes live in managers of its own and
 * die with it; the model's weights are released (not necessarily freed: other sessions may share
 * them) when it closes. Every call runs in an NDScope so that intermediate tensors are freed as
 * soon as the call returns.
 */
final class BaseSession implements ReenactmentModel.Session {

    private final ExecutionOptions options;
    private final LoadedModel model;
    private final NDManager manager;
    private volatile boolean closed;

    BaseSession(ExecutionOptions options, LoadedModel model) {
        this.options = options;
        this.model = model;
        this.manager = NDManager.newBaseManager(org.megaportraits.nn.tensor.Devices.device(options),
                org.megaportraits.nn.tensor.Devices.ENGINE);
    }

    private BaseGenerator generator() {
        return model.generator();
    }

    private BaseModelConfig config() {
        return generator().config();
    }

    boolean isClosed() {
        return closed;
    }

    /** The weights this session pins. */
    LoadedModel model() {
        return model;
    }

    NDManager newObjectManager() {
        return manager.newSubManager();
    }

    @Override
    public ExecutionOptions options() {
        return options;
    }

    @Override
    public int resolution() {
        return config().imageSize();
    }

    /**
     * Yes: a call keeps its intermediate arrays in a scope of its own thread and works on that
     * thread's stream ({@link DeviceStreams}); the weights are only read, and their cached casts are
     * made under a lock ({@link org.megaportraits.nn.tensor.FrozenCasts}); avatars and motions are
     * not changed by the calls that read them. Nothing else in the session changes after it opened.
     */
    @Override
    public boolean acceptsConcurrentCalls() {
        return true;
    }

    @Override
    public Avatar encodeAvatar(ImageBatch source, HeadPose pose, ImageBatch mask) {
        try (DeviceStreams.Scope work = DeviceStreams.enter(manager.getDevice())) {
            checkOpen();
            int s = resolution();
            checkBatch("source", source, 1, 3, s);
            if (mask != null) {
                checkBatch("mask", mask, 1, 1, s);
            }
            if (pose == null) {
                throw new InvalidInputException("no head pose given for the source", "pass the pose the face pipeline measured");
            }
            RigidPose rigid = rigidPose(pose);
            NDManager own = newObjectManager();
            try (NDScope scope = new NDScope(); NDManager scratch = manager.newSubManager()) {
                NDArray image = input(source, scratch);
                NDArray matte = mask == null ? null : input(mask, scratch);
                NDArray theta = RigidPose.stack(scratch, List.of(rigid.fromCanonical()), DataType.FLOAT32);
                BaseGenerator.Source enc = generator().encodeSource(model.store(), image, matte, theta, image, false);
                NDScope.unregister(enc.volume(), enc.descriptor(), enc.expression());
                enc.volume().attach(own);
                enc.descriptor().attach(own);
                enc.expression().attach(own);
                return new EncodedAvatar(this, own, enc.volume(), enc.descriptor(), enc.expression(), pose);
            } catch (RuntimeException e) {
                own.close();
                throw e;
            }
        }
    }

    @Override
    public Motion extractMotion(ImageBatch drivers, List<HeadPose> poses) {
        try (DeviceStreams.Scope work = DeviceStreams.enter(manager.getDevice())) {
            checkOpen();
            if (drivers == null || poses == null || drivers.size() != poses.size()) {
                throw new InvalidInputException("motion needs one head pose per driver frame: got "
                        + (drivers == null ? 0 : drivers.size()) + " frames and " + (poses == null ? 0 : poses.size())
                        + " poses", "pass the face pipeline's pose of every frame");
            }
            checkBatch("drivers", drivers, drivers.size(), 3, -1);
            poses.forEach(BaseSession::rigidPose);
            NDManager own = newObjectManager();
            try (NDScope scope = new NDScope(); NDManager scratch = manager.newSubManager()) {
                NDArray crops = input(drivers, scratch);
                NDList codes = new NDList();
                for (int from = 0; from < drivers.size(); from += options.batchSize()) {
                    int to = Math.min(drivers.size(), from + options.batchSize());
                    codes.add(generator().expressionCode(model.store(), crops.get(from + ":" + to), false));
                }
                NDArray z = codes.size() == 1 ? codes.head() : NDArrays.concat(codes, 0);
                NDScope.unregister(z);
                z.attach(own);
                return new DrivenMotion(this, own, z, poses);
            } catch (RuntimeException e) {
                own.close();
                throw e;
            }
        }
    }

    @Override
    public ImageBatch render(Avatar avatar, Motion motion, DrivingOptions driving) {
        try (DeviceStreams.Scope work = DeviceStreams.enter(manager.getDevice())) {
            checkOpen();
            EncodedAvatar a = own(avatar);
            DrivenMotion m = own(motion);
            DrivingOptions opts = driving == null ? DrivingOptions.ABSOLUTE_DRIVER : driving;
            DrivenMotion reference = opts.mode() == DrivingOptions.Mode.RELATIVE ? own(opts.reference()) : null;
            List<double[]> thetas = new ArrayList<>(m.size());
            RigidPose source = a.rigidPose();
            RigidPose ref = reference == null ? null : rigidPose(reference.poses().get(0));
            for (HeadPose p : m.poses()) {
                RigidPose d = rigidPose(p);
                RigidPose out = ref == null ? d : d.relative(ref, source);
                if (opts.framing() == DrivingOptions.Framing.SOURCE) {
                    out = out.withFramingOf(source);
                }
                thetas.add(out.toCanonical());
            }
            try (NDScope scope = new NDScope(); NDManager scratch = manager.newSubManager()) {
                NDArray z = m.expression();
                if (reference != null) {
                    // the driver's expression change since its reference frame, applied to the source's
                    z = a.expression().add(z.sub(reference.expression()));
                }
                NDArray theta = RigidPose.stack(scratch, thetas, DataType.FLOAT32);
                NDList frames = new NDList();
                for (int from = 0; from < m.size(); from += options.batchSize()) {
                    int to = Math.min(m.size(), from + options.batchSize());
                    String range = from + ":" + to;
                    frames.add(generator().render(model.store(), a.volume(), a.descriptor(), z.get(range), theta.get(range), false));
                }
                NDArray images = frames.size() == 1 ? frames.head() : NDArrays.concat(frames, 0);
                images = images.toType(DataType.FLOAT32, false);
                NDScope.unregister(images);
                return NDImageBatch.wrap(manager, images);
            }
        }
    }

    /** An input batch as a tensor on the session's device in the session's precision. */
    private NDArray input(ImageBatch batch, NDManager scratch) {
        NDArray t = NDImageBatch.toTensor(batch, scratch);
        return t.getDataType() == model.dataType() ? t : t.toType(model.dataType(), false);
    }

    private static RigidPose rigidPose(HeadPose pose) {
        try {
            return RigidPose.of(pose);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("bad head pose " + pose + ": " + e.getMessage(),
                    "pass the pose the face pipeline measured (scale > 0)");
        }
    }

    private static void checkBatch(String what, ImageBatch b, int size, int channels, int side) {
        if (b == null || b.size() != size) {
            throw new InvalidInputException(what + " must be a batch of " + size + " image(s), got "
                    + (b == null ? "none" : b.size()), "pass " + size + " image(s)");
        }
        if (b.channels() != channels) {
            throw new InvalidInputException(what + " must have " + channels + " channel(s), got " + b.channels(),
                    channels == 1 ? "pass a one-channel matte" : "pass RGB images");
        }
        if (side > 0 && (b.width() != side || b.height() != side)) {
            throw new InvalidInputException(what + " must be " + side + "x" + side + " aligned crops, got "
                    + b.width() + "x" + b.height(), "crop and resize with the face pipeline to the session's resolution");
        }
    }

    private EncodedAvatar own(Avatar avatar) {
        if (!(avatar instanceof EncodedAvatar a) || a.session() != this) {
            throw new InvalidInputException("the avatar was not encoded by this session",
                    "encode the source again in the session that renders it");
        }
        if (a.isClosed()) {
            throw new InvalidInputException("the avatar is closed", "encode the source again");
        }
        return a;
    }

    private DrivenMotion own(Motion motion) {
        if (!(motion instanceof DrivenMotion m) || m.session() != this) {
            throw new InvalidInputException("the motion was not extracted by this session",
                    "extract the driver's motion in the session that renders it");
        }
        if (m.isClosed()) {
            throw new InvalidInputException("the motion is closed", "extract the driver's motion again");
        }
        return m;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the reenactment session is closed");
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            manager.close();
            model.release();
        }
    }
}
