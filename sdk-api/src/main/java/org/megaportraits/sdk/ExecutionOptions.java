package org.megaportraits.sdk;

import java.util.Locale;

/**
 * Where and how a model runs: a device ({@code cpu}, {@code gpu} for the first GPU, {@code gpu:N}),
 * a precision and the largest batch of frames processed together.
 */
@Api(Api.Status.STABLE)
public record ExecutionOptions(String device, Precision precision, int batchSize) {

    /** CPU, fp32, batch 1: runs everywhere. */
    public static final ExecutionOptions CPU = new ExecutionOptions("cpu", Precision.FP32, 1);

    /** Validates and normalises the device name. */
    public ExecutionOptions {
        if (device == null || device.isBlank()) {
            throw new InvalidInputException("no device given", "use cpu, gpu or gpu:N");
        }
        device = device.trim().toLowerCase(Locale.ROOT);
        if (!device.equals("cpu") && !device.matches("gpu(:\\d+)?")) {
            throw new InvalidInputException("unknown device '" + device + "'", "use cpu, gpu or gpu:N");
        }
        if (device.equals("gpu")) {
            device = "gpu:0";
        }
        if (precision == null) {
            throw new InvalidInputException("no precision given", "use fp32, fp16 or bf16");
        }
        if (batchSize < 1) {
            throw new InvalidInputException("batch size " + batchSize + " is not positive", "use a batch size of 1 or more");
        }
    }

    /** True for a GPU device. */
    public boolean isGpu() {
        return device.startsWith("gpu");
    }

    /** The GPU index, or -1 on the CPU. */
    public int gpuIndex() {
        return isGpu() ? Integer.parseInt(device.substring(4)) : -1;
    }

    /** A copy with another precision. */
    public ExecutionOptions withPrecision(Precision p) {
        return new ExecutionOptions(device, p, batchSize);
    }

    /** A copy with another batch size. */
    public ExecutionOptions withBatchSize(int b) {
        return new ExecutionOptions(device, precision, b);
    }
}
