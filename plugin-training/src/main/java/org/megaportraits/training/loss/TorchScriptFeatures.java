package org.megaportraits.training.loss;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.megaportraits.nn.tensor.Devices;
import org.megaportraits.sdk.ModelUnavailableException;

/**
 * A user's TorchScript module as a feature network: it takes N x 3 x H x W RGB in [0, 1] and
 * returns a tensor or a tuple/list of feature maps (normalisation is its own business). Run in
 * evaluation mode; gradients flow through it to the images; its weights are never updated.
 */
public final class TorchScriptFeatures implements FeatureNetwork {

    private final String name;
    private final Model model;
    private final ParameterStore store;

    private TorchScriptFeatures(String name, Model model, NDManager manager) {
        this.name = name;
        this.model = model;
        this.store = new ParameterStore(manager, false);
    }

    /**
     * Loads a TorchScript file onto a device.
     *
     * @throws ModelUnavailableException if the file is missing or not TorchScript
     */
    public static TorchScriptFeatures load(String name, Path file, Device device, NDManager manager) {
        if (!Files.isRegularFile(file)) {
            throw new ModelUnavailableException(name + " network file " + file + " does not exist",
                    "check the path in the configuration's networks section, or remove it to disable the term");
        }
        Model model = Model.newInstance(name, device, Devices.ENGINE);
        try {
            model.load(file.toAbsolutePath().getParent(), file.getFileName().toString());
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw new ModelUnavailableException(name + " network " + file + " is not a loadable TorchScript module: "
                    + e.getMessage(), "save it with torch.jit.script(...).save(path) or torch.jit.trace", e);
        }
        return new TorchScriptFeatures(name, model, manager);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public NDList features(NDArray images) {
        return model.getBlock().forward(store, new NDList(images), false);
    }

    @Override
    public void close() {
        model.close();
    }
}
