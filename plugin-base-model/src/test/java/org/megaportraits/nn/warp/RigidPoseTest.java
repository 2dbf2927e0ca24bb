package org.megaportraits.nn.warp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.megaportraits.nn.tensor.Devices;
import org.megaportraits.sdk.face.HeadPose;

class RigidPoseTest {

    private static final HeadPose POSE = new HeadPose(0.4, -0.2, 0.1, 0.1, -0.05, 0.02, 1.2);

    private static double[] mul(double[] a, double[] b) {
        double[] r = new double[16];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                for (int k = 0; k < 4; k++) {
                    r[i * 4 + j] += a[i * 4 + k] * b[k * 4 + j];
                }
            }
        }
        return r;
    }

    private static void assertIdentity(double[] m) {
        for (int i = 0; i < 16; i++) {
            assertEquals(i % 5 == 0 ? 1 : 0, m[i], 1e-12, "element " + i);
        }
    }

    @Test
    void aFrontalCentredHeadIsTheIdentityAndThetaInvertsExactly() {
        assertIdentity(RigidPose.of(HeadPose.FRONTAL).toCanonical());
        RigidPose p = RigidPose.of(POSE);
        assertIdentity(mul(p.toCanonical(), p.fromCanonical()));
        assertIdentity(mul(p.fromCanonical(), p.toCanonical()));
        // the canonical origin lands on the head centre
        double[] m = p.fromCanonical();
        assertEquals(0.1, m[3], 1e-12);
        assertEquals(-0.05, m[7], 1e-12);
    }

    @Test
    void relativeMotionFromTheSourceItselfIsTheDriverAndWithoutChangeIsTheSource() {
        RigidPose source = RigidPose.of(POSE);
        RigidPose driver = RigidPose.of(new HeadPose(-0.3, 0.1, 0, -0.02, 0.04, 0, 0.9));
        RigidPose other = RigidPose.of(new HeadPose(0.2, 0.2, -0.1, 0.03, 0.01, 0, 1.1));
        assertArrayClose(driver.toCanonical(), driver.relative(source, source).toCanonical());
        assertArrayClose(source.toCanonical(), other.relative(other, source).toCanonical());
        RigidPose framed = driver.withFramingOf(source);
        assertEquals(source.scale(), framed.scale());
        assertArrayClose(source.translation(), framed.translation());
        assertArrayClose(driver.rotation(), framed.rotation());
    }

    private static void assertArrayClose(double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 1e-12);
        }
    }

    @Test
    void aQuarterTurnOfRollRotatesTheVolumeVoxelForVoxel() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), Devices.ENGINE)) {
            int d = 2;
            int s = 4;
            NDArray vol = m.randomNormal(new Shape(1, 3, d, s, s));
            RigidPose roll = RigidPose.of(new HeadPose(0, 0, Math.PI / 2, 0, 0, 0, 1));
            // output point p reads the canonical volume at theta p = R^T p: (x, y) -> (y, -x)
            NDArray grid = WarpGrid.transformed(RigidPose.stack(m, List.of(roll.toCanonical()), DataType.FLOAT32), d, s, s);
            float[] out = GridSampler.sample(vol, grid).toFloatArray();
            float[] in = vol.toFloatArray();
            for (int c = 0; c < 3; c++) {
                for (int z = 0; z < d; z++) {
                    for (int y = 0; y < s; y++) {
                        for (int x = 0; x < s; x++) {
                            // x' = y (same index), y' = -x (mirrored index)
                            float expected = in[((c * d + z) * s + (s - 1 - x)) * s + y];
                            assertEquals(expected, out[((c * d + z) * s + y) * s + x], 1e-5f);
                        }
                    }
                }
            }
            // and the inverse transform brings it back
            NDArray back = WarpGrid.transformed(RigidPose.stack(m, List.of(roll.fromCanonical()), DataType.FLOAT32), d, s, s);
            NDArray restored = GridSampler.sample(GridSampler.sample(vol, grid), back);
            assertTrue(restored.sub(vol).abs().max().getFloat() < 1e-5f);
        }
    }
}
