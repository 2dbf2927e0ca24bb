package org.megaportraits.training.stage1;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Locale;
import org.megaportraits.face.net.FaceApiPackage;
import org.megaportraits.face.net.FaceRecognitionNet;
import org.megaportraits.training.config.Stage1Config;
import org.megaportraits.training.loss.FeatureNetwork;
import org.megaportraits.training.loss.GazeLoss;
import org.megaportraits.training.loss.IdentityLoss;
import org.megaportraits.training.loss.PerceptualLoss;
import org.megaportraits.training.loss.TorchScriptFeatures;
import org.megaportraits.training.loss.VggFeatures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pretrained networks of the perceptual terms on one device: VGG19 (only when the user gives
 * its weights), the face-api recognition net (the identity term's default) and a gaze net (only
 * when given). A term whose weight is 0 loads nothing.
 */
final class LossNetworks implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LossNetworks.class);

    final PerceptualLoss vgg;
    final IdentityLoss identity;
    final GazeLoss gaze;
    private final NDManager manager;

    private LossNetworks(PerceptualLoss vgg, IdentityLoss identity, GazeLoss gaze, NDManager manager) {
        this.vgg = vgg;
        this.identity = identity;
        this.gaze = gaze;
        this.manager = manager;
    }

    /**
     * Loads the networks the configuration asks for onto {@code device}.
     *
     * @param announce log which terms run and which are off (once per run, not per replica)
     * @throws org.megaportraits.sdk.ModelUnavailableException if a configured file is missing or damaged
     */
    static LossNetworks load(Stage1Config cfg, Device device, NDManager parent, boolean announce) {
        NDManager m = parent.newSubManager(device);
        Stage1Config.Losses w = cfg.losses();
        Stage1Config.Networks n = cfg.networks();
        PerceptualLoss vgg = null;
        if (w.vgg() > 0) {
            if (n.vgg19() == null) {
                if (announce) {
                    LOG.warn("perceptual VGG19 term (weight {}) is OFF: no ImageNet VGG19 weights given (networks.vgg19 "
                            + "in the configuration); the paper's main perceptual loss is missing from this run (losses.l1 adds a "
                            + "pixel reconstruction term instead)", w.vgg());
                }
            } else {
                vgg = new PerceptualLoss(features("vgg19", Path.of(n.vgg19()), 19, device, m), w.pyramidLevels());
            }
        }
        IdentityLoss identity = null;
        if (w.identity() > 0) {
            FaceApiPackage pkg = n.faceApi() == null ? FaceApiPackage.locate() : FaceApiPackage.at(Path.of(n.faceApi()));
            identity = new IdentityLoss(FaceRecognitionNet.load(pkg, m), m);
            if (announce) {
                LOG.info("identity term (weight {}) uses face-api's recognition net from {} (pretrained; the paper "
                        + "uses VGGFace)", w.identity(), pkg.root());
            }
        }
        GazeLoss gaze = null;
        if (w.gaze() > 0) {
            if (n.gaze() == null) {
                if (announce) {
                    LOG.warn("gaze term (weight {}) is OFF: no gaze network given (networks.gaze)", w.gaze());
                }
            } else {
                gaze = new GazeLoss(features("gaze", Path.of(n.gaze()), 16, device, m));
            }
        }
        return new LossNetworks(vgg, identity, gaze, m);
    }

    /** A TorchScript file (.pt, .pth, .ts, .torchscript) or our weights format (VGG of the given depth). */
    private static FeatureNetwork features(String name, Path file, int vggDepth, Device device, NDManager m) {
        String f = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (f.endsWith(".pt") || f.endsWith(".pth") || f.endsWith(".ts") || f.endsWith(".torchscript")) {
            return TorchScriptFeatures.load(name, file, device, m);
        }
        return VggFeatures.load(file, vggDepth, m);
    }

    @Override
    public void close() {
        if (vgg != null) {
            vgg.network().close();
        }
        if (gaze != null) {
            gaze.close();
        }
        manager.close();
    }
}
