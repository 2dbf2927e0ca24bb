package org.megaportraits.training.loss;

import ai.djl.ndarray.NDArray;
import java.util.List;
import org.megaportraits.nn.tensor.Scalars;

/**
 * Feature matching (Wang et al. 2018, pix2pixHD): the L1 distance between the discriminator's
 * intermediate features of the real and of the generated image, averaged over every layer of every
 * scale. The real features are constants (no gradient reaches the discriminator through them).
 * Paper weight 40.
 */
public final class FeatureMatchingLoss {

    private FeatureMatchingLoss() {
    }

    /**
     * The loss.
     *
     * @param realFeatures per scale, the features of each layer for the real image
     * @param fakeFeatures the same for the generated image
     */
    public static NDArray loss(List<List<NDArray>> realFeatures, List<List<NDArray>> fakeFeatures) {
        NDArray total = null;
        int count = 0;
        for (int s = 0; s < realFeatures.size(); s++) {
            List<NDArray> real = realFeatures.get(s);
            List<NDArray> fake = fakeFeatures.get(s);
            for (int l = 0; l < real.size(); l++) {
                NDArray d = fake.get(l).sub(real.get(l).stopGradient()).abs().mean();
                total = total == null ? d : total.add(d);
                count++;
            }
        }
        return Scalars.div(total, count);
    }
}
