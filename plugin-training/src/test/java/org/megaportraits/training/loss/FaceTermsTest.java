package org.megaportraits.training.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.megaportraits.face.net.FaceApiPackage;
import org.megaportraits.face.net.FaceRecognitionNet;
import org.megaportraits.sdk.ModelUnavailableException;

class FaceTermsTest {

    private static final FeatureNetwork IDENTITY = new FeatureNetwork() {
        @Override
        public String name() {
            return "identity";
        }

        @Override
        public NDList features(NDArray images) {
            return new NDList(images);
        }

        @Override
        public void close() {
        }
    };

    @Test
    void gazeTermIsTheMeanFeatureDifferenceOfTheEyeBands() {
        // flat images 0.7 and 0.2: the eye bands are flat too (bilinear sampling inside the image), so with
        // identity features the loss is |0.7 - 0.2| = 0.5; equal images give 0
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            GazeLoss gaze = new GazeLoss(IDENTITY);
            NDArray a = m.full(new Shape(2, 3, 64, 64), 0.7f);
            NDArray b = m.full(new Shape(2, 3, 64, 64), 0.2f);
            List<double[]> noLandmarks = Arrays.asList(null, null);
            assertEquals(0.5, gaze.loss(a, b, noLandmarks).getFloat(), 1e-5);
            assertEquals(0, gaze.loss(a, a, noLandmarks).getFloat(), 1e-7);
            NDArray bands = FaceRegions.eyeBands(a, noLandmarks);
            assertEquals(new Shape(2, 3, FaceRegions.EYE_BAND_HEIGHT, 2 * FaceRegions.EYE_BAND_HEIGHT), bands.getShape());
        }
    }

    @Test
    void identityTermVanishesForEqualImagesAndCsimOfAnImageWithItselfIsOne() {
        FaceApiPackage pkg;
        try {
            pkg = FaceApiPackage.locate();
        } catch (ModelUnavailableException e) {
            assumeTrue(false, "face-api package not installed: " + e.getMessage());
            return;
        }
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            IdentityLoss id = new IdentityLoss(FaceRecognitionNet.load(pkg, m), m);
            NDArray a = m.randomUniform(0, 1, new Shape(2, 3, 64, 64));
            NDArray b = m.randomUniform(0, 1, new Shape(2, 3, 64, 64));
            List<double[]> none = Arrays.asList(null, null);
            assertEquals(0, id.loss(a, a, none).getFloat(), 1e-6);
            // the loss is the mean absolute difference of the raw descriptors
            float expected = id.descriptors(a, none).sub(id.descriptors(b, none)).abs().mean().getFloat();
            assertEquals(expected, id.loss(a, b, none).getFloat(), 1e-6);
            assertTrue(expected > 0);
            // prediction and target pass the net together: only the prediction is trained
            NDArray p = a.duplicate();
            NDArray t = b.duplicate();
            p.setRequiresGradient(true);
            t.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                gc.backward(id.loss(p, t, none));
            }
            assertTrue(p.getGradient().abs().sum().getFloat() > 0);
            assertEquals(0, t.getGradient().abs().sum().getFloat(), 0);
            float[] self = id.similarity(a, none, a, none);
            assertEquals(1, self[0], 1e-5);
            assertEquals(1, self[1], 1e-5);
        }
    }
}
