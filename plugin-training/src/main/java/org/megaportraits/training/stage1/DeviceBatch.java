package org.megaportraits.training.stage1;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.megaportraits.nn.warp.RigidPose;
import org.megaportraits.training.data.CroppedFrame;
import org.megaportraits.training.data.Example;
import org.megaportraits.training.data.Planar;
import org.megaportraits.nn.tensor.Scalars;

/**
 * A shard of examples on a device: images, mattes, the 4x4 pose transforms the generator takes,
 * the driver's expression copies, identities and the driver's landmarks. Arrays are engine-owned
 * copies (see {@link Scalars#owned}). Images and mattes are in the step's compute type (bf16 under
 * mixed precision); pose transforms stay fp32, grid coordinates need it.
 */
final class DeviceBatch {

    final int size;
    final NDArray source;
    final NDArray sourceMatte;
    final NDArray canonicalToSource;
    final NDArray driver;
    final NDArray driverMatte;
    final NDArray driverToCanonical;
    final NDArray driverExpression;
    final NDArray crossSource;
    final NDArray crossSourceMatte;
    final NDArray crossCanonicalToSource;
    final NDArray crossDriverExpression;
    final int[] identity;
    final int[] crossIdentity;
    final List<double[]> driverLandmarks;

    DeviceBatch(List<Example> examples, NDManager m) {
        this(examples, m, DataType.FLOAT32);
    }

    /** @param compute the type images and mattes are put in (the networks compute in it) */
    DeviceBatch(List<Example> examples, NDManager m, DataType compute) {
        size = examples.size();
        source = stack(examples, e -> e.main().source().image(), m, compute);
        sourceMatte = stack(examples, e -> e.main().source().matte(), m, compute);
        canonicalToSource = poses(examples, e -> e.main().source(), true, m);
        driver = stack(examples, e -> e.main().driver().image(), m, compute);
        driverMatte = stack(examples, e -> e.main().driver().matte(), m, compute);
        driverToCanonical = poses(examples, e -> e.main().driver(), false, m);
        driverExpression = stack(examples, e -> e.main().expression(), m, compute);
        crossSource = stack(examples, e -> e.cross().source().image(), m, compute);
        crossSourceMatte = stack(examples, e -> e.cross().source().matte(), m, compute);
        crossCanonicalToSource = poses(examples, e -> e.cross().source(), true, m);
        crossDriverExpression = stack(examples, e -> e.cross().expression(), m, compute);
        identity = examples.stream().mapToInt(e -> e.main().identity()).toArray();
        crossIdentity = examples.stream().mapToInt(e -> e.cross().identity()).toArray();
        driverLandmarks = new ArrayList<>();
        examples.forEach(e -> driverLandmarks.add(e.main().driver().landmarks()));
    }

    private static NDArray stack(List<Example> examples, Function<Example, Planar> image, NDManager m, DataType compute) {
        Planar first = image.apply(examples.get(0));
        int per = first.data().length;
        float[] all = new float[per * examples.size()];
        for (int i = 0; i < examples.size(); i++) {
            System.arraycopy(image.apply(examples.get(i)).data(), 0, all, i * per, per);
        }
        NDArray a = Scalars.owned(m.create(all, new Shape(examples.size(), first.channels(), first.height(), first.width())));
        if (compute == DataType.FLOAT32) {
            return a;
        }
        NDArray cast = a.toType(compute, false);
        a.close();
        return cast;
    }

    private static NDArray poses(List<Example> examples, Function<Example, CroppedFrame> frame, boolean fromCanonical,
                                 NDManager m) {
        List<double[]> matrices = new ArrayList<>();
        for (Example e : examples) {
            RigidPose p = RigidPose.of(frame.apply(e).pose());
            matrices.add(fromCanonical ? p.fromCanonical() : p.toCanonical());
        }
        return Scalars.owned(RigidPose.stack(m, matrices, DataType.FLOAT32));
    }
}
