package org.megaportraits.nn.tensor;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.InvalidInputException;
import org.megaportraits.sdk.Precision;

/** Maps the SDK's execution options onto DJL devices and data types. */
public final class Devices {

    /** The engine every bundle names explicitly (see system.md: never rely on discovery from a bundle). */
    public static final String ENGINE = "PyTorch";

    private Devices() {
    }

    /** The PyTorch engine, initialised by the host before any bundle starts. */
    public static Engine engine() {
        return Engine.getEngine(ENGINE);
    }

    /**
     * The DJL device of the options.
     *
     * @throws InvalidInputException if a GPU is asked for and the engine sees none, or too few
     */
    public static Device device(ExecutionOptions options) {
        if (!options.isGpu()) {
            return Device.cpu();
        }
        int gpus = engine().getGpuCount();
        if (options.gpuIndex() >= gpus) {
            throw new InvalidInputException("device " + options.device() + " asked for, but PyTorch sees "
                    + gpus + " GPU(s)", gpus == 0 ? "run with --device cpu, or install DJL's CUDA build of libtorch"
                    : "use gpu:0 to gpu:" + (gpus - 1));
        }
        return Device.gpu(options.gpuIndex());
    }

    /** The DJL data type of a precision. */
    public static DataType dataType(Precision precision) {
        return switch (precision) {
            case FP32 -> DataType.FLOAT32;
            case FP16 -> DataType.FLOAT16;
            case BF16 -> DataType.BFLOAT16;
        };
    }
}
