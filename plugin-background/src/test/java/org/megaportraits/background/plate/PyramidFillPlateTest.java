package org.megaportraits.background.plate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.megaportraits.nn.tensor.Devices;

class PyramidFillPlateTest {

    private static final int S = 64;

    /** A matte of 1 inside the square [lo, hi) of rows and columns. */
    private static NDArray square(NDManager m, int lo, int hi) {
        float[] a = new float[S * S];
        for (int y = lo; y < hi; y++) {
            for (int x = lo; x < hi; x++) {
                a[y * S + x] = 1f;
            }
        }
        return m.create(a, new Shape(1, 1, S, S));
    }

    @Test
    void pixelsAwayFromThePersonAreKeptAndAHoleInAFlatBackgroundTakesItsColour() {
        try (NDManager m = NDManager.newBaseManager(Devices.ENGINE)) {
            // a flat background (0.2, 0.5, 0.8) with a white "person" in the middle
            float[] rgb = new float[3 * S * S];
            for (int c = 0; c < 3; c++) {
                for (int i = 0; i < S * S; i++) {
                    rgb[c * S * S + i] = 0.2f + 0.3f * c;
                }
            }
            NDArray matte = square(m, 20, 44);
            NDArray image = m.create(rgb, new Shape(1, 3, S, S));
            image = image.mul(matte.neg().add(1f)).add(matte);
            float[] plate = PyramidFillPlate.plates(image, matte).toFloatArray();
            for (int c = 0; c < 3; c++) {
                for (int i = 0; i < S * S; i++) {
                    assertEquals(0.2f + 0.3f * c, plate[c * S * S + i], 1e-5f, "channel " + c + " pixel " + i);
                }
            }
        }
    }

    @Test
    void aHoleBetweenTwoColoursIsFilledFromItsSidesAndTheRestIsUntouched() {
        try (NDManager m = NDManager.newBaseManager(Devices.ENGINE)) {
            // left half black, right half white, a hole across the middle
            float[] grey = new float[S * S];
            for (int y = 0; y < S; y++) {
                for (int x = S / 2; x < S; x++) {
                    grey[y * S + x] = 1f;
                }
            }
            NDArray image = m.create(grey, new Shape(1, 1, S, S)).repeat(1, 3);
            NDArray matte = square(m, 16, 48);
            float[] plate = PyramidFillPlate.plates(image, matte).toFloatArray();
            // the hole grows by 3 % of 64 = 2 px: pixels outside [14, 50) keep their values exactly
            for (int y = 0; y < S; y++) {
                for (int x = 0; x < S; x++) {
                    if (x < 14 || x >= 50 || y < 14 || y >= 50) {
                        assertEquals(grey[y * S + x], plate[y * S + x], 0f, "pixel " + x + "," + y);
                    }
                }
            }
            // inside, the fill rises from the black side to the white side
            int row = 32 * S;
            assertTrue(plate[row + 15] < 0.35f, "near the black side " + plate[row + 15]);
            assertTrue(plate[row + 48] > 0.65f, "near the white side " + plate[row + 48]);
            for (int x = 15; x < 48; x++) {
                assertTrue(plate[row + x + 1] >= plate[row + x] - 1e-4f, "fill falls at " + x);
            }
        }
    }

    @Test
    void anImageWithoutKnownPixelsBecomesMidGrey() {
        try (NDManager m = NDManager.newBaseManager(Devices.ENGINE)) {
            NDArray image = m.ones(new Shape(1, 3, S, S));
            float[] plate = PyramidFillPlate.plates(image, m.ones(new Shape(1, 1, S, S))).toFloatArray();
            for (float v : plate) {
                assertEquals(0.5f, v, 1e-6f);
            }
        }
    }
}
