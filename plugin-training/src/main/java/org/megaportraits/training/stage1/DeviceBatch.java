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
import org.megaportraits.training.tensor.Scalars;

/**
 * A shard of examples on a device: images, mattes, the 4x4 pose transforms the generator takes,
 * the driver's expression copies, identities and the driver's landmarks. Arrays are engine-owned
 * copies (see {@link Scalars#owned}).
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
        size = examples.size();
        source = stack(examples, e -> e.main().source().image(), m);
        sourceMatte = stack(examples, e -> e.main().source().matte(), m);
        canonicalToSource = poses(examples, e -> e.main().source(), true, m);
        driver = stack(examples, e -> e.main().driver().image(), m);
        driverMatte = stack(examples, e -> e.main().driver().matte(), m);
        driverToCanonical = poses(examples, e -> e.main().driver(), false, m);
        driverExpression = stack(examples, e -> e.main().expression(), m);
        crossSource = stack(examples, e -> e.cross().source().image(), m);
        crossSourceMatte = stack(examples, e -> e.cross().source().matte(), m);
        crossCanonicalToSource = poses(examples, e -> e.cross().source(), true, m);
        crossDriverExpression = stack(examples, e -> e.cross().expression(), m);
        identity = examples.stream().mapToInt(e -> e.main().identity()).toArray();
        crossIdentity = examples.stream().mapToInt(e -> e.cross().identity()).toArray();
        driverLandmarks = new ArrayList<>();
        examples.forEach(e -> driverLandmarks.add(e.main().driver().landmarks()));
    }

    private static NDArray stack(List<Example> examples, Function<Example, Planar> image, NDManager m) {
        Planar first = image.apply(examples.get(0));
        int per = first.data().length;
        float[] all = new float[per * examples.size()];
        for (int i = 0; i < examples.size(); i++) {
            System.arraycopy(image.apply(examples.get(i)).data(), 0, all, i * per, per);
        }
        return Scalars.owned(m.create(all, new Shape(examples.size(), first.channels(), first.height(), first.width())));
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
