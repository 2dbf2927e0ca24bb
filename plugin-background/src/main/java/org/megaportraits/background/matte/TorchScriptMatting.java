package org.megaportraits.background.matte;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.megaportraits.nn.tensor.Devices;
import org.megaportraits.nn.tensor.Scalars;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.InvalidInputException;
import org.megaportraits.sdk.ModelUnavailableException;

/**
 * A user-supplied matting network (MODNet or similar, none ships with the SDK) as a TorchScript
 * file. Contract: input one tensor N x 3 x H x W, RGB in [0, 1]; output (the first output if
 * several) N x 1 x H x W alpha in [0, 1]. Normalisation the network wants belongs inside the
 * scripted module.
 */
public final class TorchScriptMatting implements Matting {

    private final Path file;
    private final Model model;

    private TorchScriptMatting(Path file, Model model) {
        this.file = file;
        this.model = model;
    }

    /**
     * Loads the network onto the options' device.
     *
     * @throws ModelUnavailableException if the file is missing or not a TorchScript module
     */
    public static TorchScriptMatting load(Path file, ExecutionOptions options) {
        if (!Files.isRegularFile(file)) {
            throw new ModelUnavailableException("matting network " + file.toAbsolutePath() + " does not exist",
                    "give the path of a TorchScript matting model, or leave the option unset to use the classic GrabCut matte");
        }
        Model model = Model.newInstance("matting", Devices.device(options), Devices.ENGINE);
        try {
            model.load(file.toAbsolutePath().getParent(), file.getFileName().toString());
            return new TorchScriptMatting(file, model);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw new ModelUnavailableException("matting network " + file + " cannot be loaded as TorchScript: " + e.getMessage(),
                    "export the network with torch.jit.script or torch.jit.trace and save it with torch.jit.save", e);
        }
    }

    @Override
    public NDArray matte(NDArray images) {
        NDArray alpha;
        try {
            // the scripted block puts its outputs on the input's manager: they live as long as the images
            alpha = model.getBlock().forward(new ParameterStore(images.getManager(), false),
                    new NDList(images.toType(DataType.FLOAT32, false)), false).get(0);
        } catch (RuntimeException e) {
            throw new InvalidInputException("matting network " + file + " failed: " + e.getMessage(),
                    "check that it takes N x 3 x H x W RGB in [0, 1]", e);
        }
        Shape s = images.getShape();
        Shape expected = new Shape(s.get(0), 1, s.get(2), s.get(3));
        if (!alpha.getShape().equals(expected)) {
            throw new InvalidInputException("matting network " + file + " returned " + alpha.getShape() + " for input " + s,
                    "use a network that maps N x 3 x H x W RGB to N x 1 x H x W alpha");
        }
        return Scalars.clip(alpha, 0f, 1f);
    }

    @Override
    public void close() {
        model.close();
    }
}
