package org.megaportraits.training.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.megaportraits.sdk.InvalidInputException;

/** Moving values between a network's named parameters and plain named arrays (checkpoints, replicas). */
public final class ParameterValues {

    private ParameterValues() {
    }

    /** The arrays of every parameter and buffer, by name (live arrays). */
    public static Map<String, NDArray> arrays(Map<String, Parameter> params) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        params.forEach((k, p) -> out.put(k, p.getArray()));
        return Collections.unmodifiableMap(out);
    }

    /**
     * Overwrites every parameter and buffer with the same-named value, in place (call outside
     * gradient recording); values may live on another device.
     *
     * @param what names the source in errors
     * @throws InvalidInputException naming a missing or mis-shaped value
     */
    public static void assign(Map<String, Parameter> params, Map<String, NDArray> values, String what) {
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            NDArray src = values.get(e.getKey());
            NDArray target = e.getValue().getArray();
            if (src == null || !src.getShape().equals(target.getShape())) {
                throw new InvalidInputException(what + (src == null ? " lacks " + e.getKey()
                        : " has " + e.getKey() + " of shape " + src.getShape() + ", the network " + target.getShape()),
                        "use a checkpoint written for this network (same preset and discriminator)");
            }
            try (NDScope scope = new NDScope()) {
                // through a detached alias: in-place writes to a leaf that requires gradients are
                // refused while the thread's gradient mode is on
                target.stopGradient().set(new NDIndex("..."), src.getDevice().equals(target.getDevice()) ? src
                        : src.toDevice(target.getDevice(), true));
            }
        }
    }
}
