package org.megaportraits.nn.tensor;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/**
 * Moving an array to another device without losing its gradient. DJL's {@code toDevice} runs
 * outside autograd: a loss term moved from a replica's GPU to the master's that way carries no
 * gradient back (measured on an H100, CPU to GPU: "element 0 of tensors does not require grad"),
 * and the replica then contributes nothing to the step. A slice assignment into an array on the
 * target device is a copy that autograd records, with the gradient sent back to the source's
 * device (measured: the exact gradient arrives).
 */
public final class DeviceTransfer {

    private static final NDIndex ALL = new NDIndex(":");

    private DeviceTransfer() {
    }

    /** {@code a} on {@code device}, differentiable (a itself when it is there already). */
    public static NDArray to(NDArray a, Device device) {
        if (a.getDevice().equals(device)) {
            return a;
        }
        NDArray flat = a.reshape(-1);
        NDArray out = a.getManager().zeros(flat.getShape(), a.getDataType(), device);
        out.set(ALL, flat);
        return out.reshape(a.getShape());
    }
}
