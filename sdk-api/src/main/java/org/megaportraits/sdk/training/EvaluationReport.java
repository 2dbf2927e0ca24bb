package org.megaportraits.sdk.training;

import java.util.Map;
import org.megaportraits.sdk.Api;

/**
 * Metrics of a trained model on held-out data, by name (for the base model: {@code self.psnr},
 * {@code self.ssim}, {@code self.csim}, {@code cross.csim}, {@code baseline.self.psnr} for copying
 * the source, and {@code self.lpips} when an LPIPS network is configured), with the checkpoint's
 * step and how many self- and cross-reenactment pairs were measured.
 */
@Api(value = Api.Status.EXPERIMENTAL, since = "0.1")
public record EvaluationReport(long step, int selfPairs, int crossPairs, Map<String, Double> metrics) {

    /** Copies the metric map. */
    public EvaluationReport {
        metrics = Map.copyOf(metrics);
    }
}
