package org.megaportraits.training.stage1;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.megaportraits.nn.warp.RigidPose;
import org.megaportraits.training.loss.FaceRegions;
import org.megaportraits.training.data.CroppedFrame;
import org.megaportraits.training.data.Example;
import org.megaportraits.training.data.Planar;
import org.megaportraits.nn.tensor.Scalars;

/**
 * A shard of examples on a device: images, mattes, the 4x4 pose transforms the generator takes,
 * the driver's expression copies, the face-region maps made from the driver's landmarks (identity
 * chips, eye bands), and the identities as numbers (the cycle term's mask of which pairs are
 * negatives is made on the device). Images and mattes are in
 * the step's compute type (bf16 under mixed precision); pose transforms stay fp32, grid
 * coordinates need it.
 *
 * <p>Everything goes to the device in one copy, which the fields are copied or cast out of (so
 * they are engine-owned, never views of Java memory: see {@link Scalars#owned}). Every copy to a
 * GPU waits for all the work queued there: eleven copies in turn, each after its own host
 * preparation, kept the uploading thread waiting for most of a step. The step itself copies
 * nothing from the host: a copy in the middle of the step's calls would stop them until the
 * device had run everything queued before it.
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
    /** The identity chips' maps of the driver frames (N x 6, fp32), from {@link FaceRegions#chipMaps}. */
    final NDArray chipMaps;
    /** The eye bands' maps of the driver frames (N x 6, fp32), from {@link FaceRegions#eyeBandMaps}. */
    final NDArray eyeBandMaps;
    /** The main pairs' identities as fp32 numbers on the device (exact below 2^24 identities). */
    final NDArray identityCodes;
    /** The cross pairs' identities as fp32 numbers on the device. */
    final NDArray crossIdentityCodes;

    DeviceBatch(List<Example> examples, NDManager m) {
        this(examples, m, DataType.FLOAT32);
    }

    /** @param compute the type images and mattes are put in (the networks compute in it) */
    DeviceBatch(List<Example> examples, NDManager m, DataType compute) {
        size = examples.size();
        Pack pack = new Pack(examples);
        int sourceAt = pack.images(e -> e.main().source().image());
        int sourceMatteAt = pack.images(e -> e.main().source().matte());
        int canonicalToSourceAt = pack.poses(e -> e.main().source(), true);
        int driverAt = pack.images(e -> e.main().driver().image());
        int driverMatteAt = pack.images(e -> e.main().driver().matte());
        int driverToCanonicalAt = pack.poses(e -> e.main().driver(), false);
        int driverExpressionAt = pack.images(e -> e.main().expression());
        int crossSourceAt = pack.images(e -> e.cross().source().image());
        int crossSourceMatteAt = pack.images(e -> e.cross().source().matte());
        int crossCanonicalToSourceAt = pack.poses(e -> e.cross().source(), true);
        int crossDriverExpressionAt = pack.images(e -> e.cross().expression());
        int[] identity = examples.stream().mapToInt(e -> e.main().identity()).toArray();
        int[] crossIdentity = examples.stream().mapToInt(e -> e.cross().identity()).toArray();
        List<double[]> driverLandmarks = new ArrayList<>();
        examples.forEach(e -> driverLandmarks.add(e.main().driver().landmarks()));
        int side = examples.get(0).main().driver().image().width();
        int chipMapsAt = pack.values(FaceRegions.toArray(FaceRegions.chipMaps(side, driverLandmarks)), new Shape(size, 6));
        int eyeBandMapsAt = pack.values(FaceRegions.toArray(FaceRegions.eyeBandMaps(side, driverLandmarks)),
                new Shape(size, 6));
        int identityAt = pack.values(codes(identity), new Shape(size));
        int crossIdentityAt = pack.values(codes(crossIdentity), new Shape(size));
        try (NDArray all = pack.upload(m)) {
            source = pack.part(all, sourceAt, compute);
            sourceMatte = pack.part(all, sourceMatteAt, compute);
            canonicalToSource = pack.part(all, canonicalToSourceAt, DataType.FLOAT32);
            driver = pack.part(all, driverAt, compute);
            driverMatte = pack.part(all, driverMatteAt, compute);
            driverToCanonical = pack.part(all, driverToCanonicalAt, DataType.FLOAT32);
            driverExpression = pack.part(all, driverExpressionAt, compute);
            crossSource = pack.part(all, crossSourceAt, compute);
            crossSourceMatte = pack.part(all, crossSourceMatteAt, compute);
            crossCanonicalToSource = pack.part(all, crossCanonicalToSourceAt, DataType.FLOAT32);
            crossDriverExpression = pack.part(all, crossDriverExpressionAt, compute);
            chipMaps = pack.part(all, chipMapsAt, DataType.FLOAT32);
            eyeBandMaps = pack.part(all, eyeBandMapsAt, DataType.FLOAT32);
            identityCodes = pack.part(all, identityAt, DataType.FLOAT32);
            crossIdentityCodes = pack.part(all, crossIdentityAt, DataType.FLOAT32);
        }
    }

    private static float[] codes(int[] identities) {
        float[] f = new float[identities.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = identities[i];
        }
        return f;
    }

    /** The shard's arrays laid end to end on the host, then copied to the device at once. */
    private static final class Pack {
        private final List<Example> examples;
        private final List<float[]> chunks = new ArrayList<>();
        private final List<long[]> offsets = new ArrayList<>();
        private final List<Shape> shapes = new ArrayList<>();
        private long length;

        Pack(List<Example> examples) {
            this.examples = examples;
        }

        /** Adds one image (or matte, or expression copy) per example, stacked (N, C, H, W); returns its index. */
        int images(Function<Example, Planar> image) {
            Planar first = image.apply(examples.get(0));
            int per = first.data().length;
            float[] all = new float[per * examples.size()];
            for (int i = 0; i < examples.size(); i++) {
                System.arraycopy(image.apply(examples.get(i)).data(), 0, all, i * per, per);
            }
            return values(all, new Shape(examples.size(), first.channels(), first.height(), first.width()));
        }

        /** Adds the 4x4 pose transform of each example's frame (N, 4, 4); returns its index. */
        int poses(Function<Example, CroppedFrame> frame, boolean fromCanonical) {
            float[] all = new float[examples.size() * 16];
            for (int i = 0; i < examples.size(); i++) {
                RigidPose p = RigidPose.of(frame.apply(examples.get(i)).pose());
                double[] matrix = fromCanonical ? p.fromCanonical() : p.toCanonical();
                for (int k = 0; k < 16; k++) {
                    all[i * 16 + k] = (float) matrix[k];
                }
            }
            return values(all, new Shape(examples.size(), 4, 4));
        }

        /** Adds numbers of the given shape; returns their index. */
        int values(float[] values, Shape shape) {
            chunks.add(values);
            offsets.add(new long[] {length, length + values.length});
            shapes.add(shape);
            length += values.length;
            return chunks.size() - 1;
        }

        /** All chunks in one array on the manager's device (on the CPU a view of Java memory: copy out of it before closing). */
        NDArray upload(NDManager m) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(Math.multiplyExact(Math.toIntExact(length), Float.BYTES))
                    .order(ByteOrder.nativeOrder());
            FloatBuffer floats = buffer.asFloatBuffer();
            chunks.forEach(floats::put);
            return m.create(buffer, new Shape(length), DataType.FLOAT32);
        }

        /** Chunk {@code index} of the uploaded array in its shape and the given type. */
        NDArray part(NDArray all, int index, DataType type) {
            long[] range = offsets.get(index);
            NDArray view = all.get(new NDIndex(range[0] + ":" + range[1])).reshape(shapes.get(index));
            // a cast is a copy of its own; a view would keep the whole upload alive (and on the CPU be Java memory)
            NDArray part = type == DataType.FLOAT32 ? view.duplicate() : view.toType(type, false);
            view.close();
            return part;
        }
    }
}
