package org.megaportraits.basemodel.net;

import org.megaportraits.nn.layer.ResBlock;

/** Residual blocks with the configuration's normalisation choices applied. */
final class Residual {

    private Residual() {
    }

    static ResBlock.Builder builder(BaseModelConfig cfg, int dims, int in, int out) {
        return ResBlock.builder(dims, in, out, cfg.groups()).standardized(cfg.weightStandardization())
                .standardizedSkip(cfg.weightStandardization() && cfg.standardizeSkips()).spectral(cfg.spectralNorm());
    }
}
