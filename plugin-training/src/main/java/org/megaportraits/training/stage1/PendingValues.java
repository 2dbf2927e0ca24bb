package org.megaportraits.training.stage1;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A step's logged values kept on the device until the step is done. Reading a value back waits
 * for everything queued before it, and the host cannot queue the next work meanwhile: a step that
 * read each loss term as it went stalled the device about a dozen times. These are read in one
 * transfer at the end.
 */
final class PendingValues {

    private final List<String> keys = new ArrayList<>();
    private final List<NDArray> scalars = new ArrayList<>();
    private final List<Double> factors = new ArrayList<>();

    /** Adds {@code factor * scalar} to the value {@code key} (summed with earlier additions to it). */
    void add(String key, NDArray scalar, double factor) {
        keys.add(key);
        scalars.add(scalar.stopGradient());
        factors.add(factor);
    }

    /** The pending arrays (to keep alive until {@link #resolveInto}). */
    List<NDArray> arrays() {
        return scalars;
    }

    /** Reads every pending value (one transfer) and merges it into {@code values}; then forgets them. */
    void resolveInto(Map<String, Double> values) {
        if (scalars.isEmpty()) {
            return;
        }
        NDList flat = new NDList();
        NDArray first = scalars.get(0);
        for (NDArray s : scalars) {
            // replicas' terms may sit on other devices: gather them where the first one is
            flat.add(s.toDevice(first.getDevice(), false).toType(DataType.FLOAT32, false).reshape(1));
        }
        float[] v = (flat.size() == 1 ? flat.get(0) : NDArrays.concat(flat, 0)).toFloatArray();
        for (int i = 0; i < v.length; i++) {
            values.merge(keys.get(i), v[i] * factors.get(i), Double::sum);
        }
        keys.clear();
        scalars.clear();
        factors.clear();
    }
}
