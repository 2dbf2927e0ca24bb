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

    /**
     * System property that declares the PyTorch JNI library able to hold bfloat16 tensors.
     * DJL 0.36's published JNI maps only nine data types: at the first bfloat16 tensor it calls
     * {@code throw;} outside a handler and the whole JVM terminates, so bf16 is refused unless a
     * JNI built with bfloat16 support is declared.
     */
    public static final String BF16_PROPERTY = "portraits.jni.bf16";

    /**
     * The DJL data type of a precision.
     *
     * @throws InvalidInputException for bf16 when the JNI library is not declared bf16-capable
     */
    public static DataType dataType(Precision precision) {
        return switch (precision) {
            case FP32 -> DataType.FLOAT32;
            case FP16 -> DataType.FLOAT16;
            case BF16 -> {
                if (!Boolean.getBoolean(BF16_PROPERTY)) {
                    throw new InvalidInputException("bf16 is not supported by DJL 0.36's PyTorch JNI library "
                            + "(its data-type table has no bfloat16 and the JVM would abort)",
                            "use fp16 (same tensor-core rate on recent GPUs), or a JNI library built with bfloat16 "
                                    + "support and -D" + BF16_PROPERTY + "=true");
                }
                yield DataType.BFLOAT16;
            }
        };
    }
}
