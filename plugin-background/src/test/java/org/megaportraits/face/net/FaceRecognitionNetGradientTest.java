package org.megaportraits.face.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.megaportraits.face.TestPhotos;
import org.megaportraits.face.crop.FaceChips;
import org.megaportraits.face.impl.FaceAnalyzerComponent;
import org.megaportraits.nn.tensor.NDImageBatch;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.face.Face;
import org.megaportraits.sdk.face.FaceAnalyzer;
import org.megaportraits.sdk.image.RgbImage;

/** The recognition net as training uses it: a frozen block that passes gradients to the image it cuts chips from. */
class FaceRecognitionNetGradientTest {

    @Test
    void identityLossGradientReachesTheImageAndMatchesFiniteDifferences() {
        RgbImage photo = TestPhotos.sample(5);
        List<Face> faces;
        try (FaceAnalyzer.Session s = new FaceAnalyzerComponent().open(ExecutionOptions.CPU)) {
            faces = s.detect(photo);
        }
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu(), "PyTorch")) {
            FaceRecognitionNet net = FaceRecognitionNet.load(FaceApiPackage.locate(), m);
            net.freezeParameters(true);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray image = NDImageBatch.fromHost(List.of(photo), m);
            List<double[]> landmarks = List.of(faces.get(0).landmarks(), faces.get(1).landmarks());
            NDArray two = image.concat(image, 0);
            // identity loss: 1 - cosine between the embeddings of face 0 and face 1 cut from the image
            NDArray grad;
            float loss;
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                two.setRequiresGradient(true);
                NDArray e = net.embed(ps, FaceChips.cut(two, landmarks), true);
                NDArray l = e.get(0).mul(e.get(1)).sum().neg().add(1);
                loss = l.getFloat();
                gc.backward(l);
                grad = two.getGradient();
            }
            float[] g = grad.toFloatArray();
            double gnorm = 0;
            for (float v : g) {
                assertTrue(Float.isFinite(v));
                gnorm += v * v;
            }
            assertTrue(gnorm > 0, "gradient reaches the image");
            // directional derivative along the gradient (where it is largest, well above float noise),
            // against central differences
            NDArray dir = grad.div(Math.sqrt(gnorm));
            double analytic = grad.mul(dir).sum().getFloat();
            float eps = 1e-2f;
            double plus = lossOf(net, ps, two.stopGradient().add(dir.mul(eps)), landmarks);
            double minus = lossOf(net, ps, two.stopGradient().sub(dir.mul(eps)), landmarks);
            double numeric = (plus - minus) / (2 * eps);
            System.out.printf("identity loss %.4f between two people; directional derivative %.5f analytic vs %.5f numeric%n",
                    loss, analytic, numeric);
            assertEquals(numeric, analytic, 0.03 * Math.abs(numeric) + 1e-4);
            assertEquals(new Shape(2, 3, photo.height(), photo.width()), grad.getShape());
        }
    }

    private static double lossOf(FaceRecognitionNet net, ParameterStore ps, NDArray images, List<double[]> landmarks) {
        NDArray e = net.embed(ps, FaceChips.cut(images, landmarks), false);
        return 1 - e.get(0).mul(e.get(1)).sum().getFloat();
    }
}
