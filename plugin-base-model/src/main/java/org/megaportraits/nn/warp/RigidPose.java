package org.megaportraits.nn.warp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.megaportraits.sdk.face.HeadPose;

/**
 * A head's rigid pose in the crop: rotation R, translation t (the head centre in normalised crop
 * coordinates) and scale s, with composition rules for relative driving.
 *
 * <p>Coordinates: x to the right, y down, z away from the camera, all in [-1, 1] across the
 * crop (and across the feature volume). {@code R = Rz(roll) * Ry(yaw) * Rx(pitch)} turns the
 * canonical (frontal) head into the crop's; a point p of the canonical head appears at
 * {@code s * R * p + t}. The base model's transform theta goes the other way, crop to canonical,
 * and factors as the paper writes it, {@code theta = S * R' * T} with {@code S = 1/s},
 * {@code R' = R^T} and {@code T} the translation by {@code -t}.
 */
public final class RigidPose {

    private final double[] rotation;
    private final double[] translation;
    private final double scale;

    private RigidPose(double[] rotation, double[] translation, double scale) {
        this.rotation = rotation;
        this.translation = translation;
        this.scale = scale;
    }

    /** The pose of a face-pipeline head pose. */
    public static RigidPose of(HeadPose pose) {
        if (!(pose.scale() > 0) || !Double.isFinite(pose.scale())) {
            throw new IllegalArgumentException("head pose scale must be positive and finite, got " + pose.scale());
        }
        double[] r = mul(rotZ(pose.roll()), mul(rotY(pose.yaw()), rotX(pose.pitch())));
        return new RigidPose(r, new double[] {pose.tx(), pose.ty(), pose.tz()}, pose.scale());
    }

    /** The 3x3 rotation, row-major. */
    public double[] rotation() {
        return rotation.clone();
    }

    /** The translation (tx, ty, tz). */
    public double[] translation() {
        return translation.clone();
    }

    /** The scale. */
    public double scale() {
        return scale;
    }

    /**
     * Relative driving (paper appendix B.6): the change of this driver pose since its reference
     * frame, applied to the source: {@code R = R_d * R_ref^T * R_s}, {@code t = t_s + t_d - t_ref},
     * {@code s = s_s * s_d / s_ref}.
     */
    public RigidPose relative(RigidPose reference, RigidPose source) {
        double[] r = mul(rotation, mul(transpose(reference.rotation), source.rotation));
        double[] t = new double[3];
        for (int i = 0; i < 3; i++) {
            t[i] = source.translation[i] + translation[i] - reference.translation[i];
        }
        return new RigidPose(r, t, source.scale * scale / reference.scale);
    }

    /** This rotation with another pose's translation and scale (keep the source's framing). */
    public RigidPose withFramingOf(RigidPose other) {
        return new RigidPose(rotation, other.translation, other.scale);
    }

    /** theta: crop coordinates to canonical ones, 4x4 row-major. */
    public double[] toCanonical() {
        double[] m = new double[16];
        double[] rt = transpose(rotation);
        for (int i = 0; i < 3; i++) {
            double shift = 0;
            for (int j = 0; j < 3; j++) {
                m[i * 4 + j] = rt[i * 3 + j] / scale;
                shift -= rt[i * 3 + j] * translation[j];
            }
            m[i * 4 + 3] = shift / scale;
        }
        m[15] = 1;
        return m;
    }

    /** theta^-1: canonical coordinates to the crop's, 4x4 row-major. */
    public double[] fromCanonical() {
        double[] m = new double[16];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                m[i * 4 + j] = rotation[i * 3 + j] * scale;
            }
            m[i * 4 + 3] = translation[i];
        }
        m[15] = 1;
        return m;
    }

    /** Stacks 4x4 row-major matrices as an (N, 4, 4) array. */
    public static NDArray stack(NDManager manager, List<double[]> matrices, DataType type) {
        float[] all = new float[matrices.size() * 16];
        for (int i = 0; i < matrices.size(); i++) {
            for (int k = 0; k < 16; k++) {
                all[i * 16 + k] = (float) matrices.get(i)[k];
            }
        }
        NDArray a = manager.create(all, new Shape(matrices.size(), 4, 4));
        return type == DataType.FLOAT32 ? a : a.toType(type, false);
    }

    private static double[] rotX(double a) {
        double c = Math.cos(a);
        double s = Math.sin(a);
        return new double[] {1, 0, 0, 0, c, -s, 0, s, c};
    }

    private static double[] rotY(double a) {
        double c = Math.cos(a);
        double s = Math.sin(a);
        return new double[] {c, 0, s, 0, 1, 0, -s, 0, c};
    }

    private static double[] rotZ(double a) {
        double c = Math.cos(a);
        double s = Math.sin(a);
        return new double[] {c, -s, 0, s, c, 0, 0, 0, 1};
    }

    private static double[] mul(double[] a, double[] b) {
        double[] r = new double[9];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double v = 0;
                for (int k = 0; k < 3; k++) {
                    v += a[i * 3 + k] * b[k * 3 + j];
                }
                r[i * 3 + j] = v;
            }
        }
        return r;
    }

    private static double[] transpose(double[] a) {
        return new double[] {a[0], a[3], a[6], a[1], a[4], a[7], a[2], a[5], a[8]};
    }
}
