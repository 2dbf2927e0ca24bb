package org.megaportraits.nn.tensor;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.function.BinaryOperator;

/**
 * Arithmetic between arrays and plain numbers that never copies the number to the device.
 *
 * <p>DJL's {@code NDArray.add(Number)} and its relatives ({@code sub, mul, div, pow, maximum,
 * minimum, clip}, the comparisons, {@code set(index, Number)}) first create the number as an array
 * on the operand's device. On a GPU that is a blocking host-to-device copy: it waits for everything
 * any thread has queued on DJL's one CUDA stream. Beside a thread keeping the GPU busy, 500 such
 * multiplications took 5.8-7.8 s instead of 0.39-0.50 s (H100). On the CPU the number is a view of
 * a Java buffer freed right after the call, while autograd may keep it for the backward pass.
 *
 * <p>Here the number is a zero-dimensional array on the CPU in memory PyTorch owns; PyTorch's
 * kernels take such an operand as an argument, on any device. The number's type is the one DJL
 * gives it ({@code int} is INT32, {@code float} is FLOAT32), so the result's type is what the DJL
 * call gave: an INT64 array plus an {@code int} stays INT64. A {@code double} is made FLOAT32
 * (the arrays it meets here are floating; PyTorch computes in the array's type either way).
 */
public final class Scalars {

    private Scalars() {
    }

    /** Holder of the process-wide CPU manager the numbers are made in (each is closed after its one use). */
    private static final class Cpu {
        static final NDManager MANAGER = NDManager.newBaseManager(Device.cpu(), Devices.ENGINE);
    }

    public static NDArray add(NDArray a, float v) {
        return apply(a, number(v), NDArray::add);
    }

    public static NDArray add(NDArray a, int v) {
        return apply(a, number(v), NDArray::add);
    }

    public static NDArray sub(NDArray a, float v) {
        return apply(a, number(v), NDArray::sub);
    }

    public static NDArray sub(NDArray a, int v) {
        return apply(a, number(v), NDArray::sub);
    }

    public static NDArray mul(NDArray a, float v) {
        return apply(a, number(v), NDArray::mul);
    }

    public static NDArray mul(NDArray a, int v) {
        return apply(a, number(v), NDArray::mul);
    }

    public static NDArray mul(NDArray a, double v) {
        return mul(a, (float) v);
    }

    public static NDArray div(NDArray a, float v) {
        return apply(a, number(v), NDArray::div);
    }

    public static NDArray div(NDArray a, double v) {
        return div(a, (float) v);
    }

    public static NDArray pow(NDArray a, float v) {
        return apply(a, number(v), NDArray::pow);
    }

    /** {@code v - a}. */
    public static NDArray rsub(float v, NDArray a) {
        return apply(a, number(v), (x, s) -> attachedTo(s.sub(x), x));
    }

    /** {@code v / a}. */
    public static NDArray rdiv(float v, NDArray a) {
        return apply(a, number(v), (x, s) -> attachedTo(s.div(x), x));
    }

    public static NDArray maximum(NDArray a, float v) {
        return apply(a, number(v), NDArray::maximum);
    }

    public static NDArray maximum(NDArray a, int v) {
        return apply(a, number(v), NDArray::maximum);
    }

    public static NDArray maximum(NDArray a, double v) {
        return maximum(a, (float) v);
    }

    public static NDArray minimum(NDArray a, float v) {
        return apply(a, number(v), NDArray::minimum);
    }

    public static NDArray minimum(NDArray a, int v) {
        return apply(a, number(v), NDArray::minimum);
    }

    /** {@code a} limited to [lo, hi] (NaN stays NaN, as in DJL's clip). */
    public static NDArray clip(NDArray a, float lo, float hi) {
        // one clamp kernel (DJL's clip is a maximum and a minimum: two passes over the array)
        return TorchOps.clamp(a, lo, hi);
    }

    /** {@code a} limited to [lo, hi], in a's type when that is an integer type. */
    public static NDArray clip(NDArray a, int lo, int hi) {
        return TorchOps.clamp(a, lo, hi);
    }

    public static NDArray gt(NDArray a, float v) {
        return apply(a, number(v), NDArray::gt);
    }

    public static NDArray gte(NDArray a, float v) {
        return apply(a, number(v), NDArray::gte);
    }

    public static NDArray lt(NDArray a, float v) {
        return apply(a, number(v), NDArray::lt);
    }

    public static NDArray lte(NDArray a, float v) {
        return apply(a, number(v), NDArray::lte);
    }

    public static NDArray eq(NDArray a, float v) {
        return apply(a, number(v), NDArray::eq);
    }

    public static NDArray eq(NDArray a, int v) {
        return apply(a, number(v), NDArray::eq);
    }

    /** {@code a *= v} in place. */
    public static NDArray muli(NDArray a, float v) {
        return apply(a, number(v), NDArray::muli);
    }

    /** {@code a += v} in place. */
    public static NDArray addi(NDArray a, float v) {
        return apply(a, number(v), NDArray::addi);
    }

    /** {@code a /= v} in place. */
    public static NDArray divi(NDArray a, float v) {
        return apply(a, number(v), NDArray::divi);
    }

    /**
     * A small vector of the given values made on {@code device} by filling (one kernel per value),
     * without a host-to-device copy.
     */
    public static NDArray vector(NDManager manager, Device device, DataType type, float... values) {
        NDList parts = new NDList(values.length);
        for (float v : values) {
            parts.add(manager.full(new Shape(1), v, type, device));
        }
        NDArray v = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts);
        if (parts.size() > 1) {
            parts.close();
        }
        return v;
    }

    /**
     * An engine-owned copy of an array made from Java memory ({@code manager.create(float[])} is a
     * view of a direct buffer DJL may free while autograd still holds the array); the original is
     * closed. Safe to keep in an autograd graph.
     */
    public static NDArray owned(NDArray fromJava) {
        NDArray copy = fromJava.duplicate();
        fromJava.close();
        return copy;
    }

    private static NDArray apply(NDArray a, NDArray number, BinaryOperator<NDArray> op) {
        try (number) {
            return op.apply(a, number);
        }
    }

    /** The result of an operation the number came first in, moved to the operand's manager. */
    private static NDArray attachedTo(NDArray result, NDArray operand) {
        result.attach(operand.getManager());
        return result;
    }

    private static NDArray number(float v) {
        return Cpu.MANAGER.full(new Shape(), v, DataType.FLOAT32);
    }

    private static NDArray number(int v) {
        return Cpu.MANAGER.full(new Shape(), v, DataType.INT32);
    }
}
