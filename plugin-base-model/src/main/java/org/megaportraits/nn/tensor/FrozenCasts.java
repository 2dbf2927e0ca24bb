package org.megaportraits.nn.tensor;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Copies of frozen weights (loss networks, face networks: never trained, never changed) in the
 * floating type and on the device of the activations they meet, made once and kept: a
 * differentiable cast at every use ({@link MixedPrecision#cast}) costs two kernels, a recorded
 * autograd node and a fresh copy per pass. Each copy belongs to the weight's manager and is freed
 * with it. Safe for use from several threads (a copy is complete before it is shared).
 */
public final class FrozenCasts {

    private record Key(NDArray weight, DataType type, Device device) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.weight == weight && k.type == type && k.device.equals(device);
        }

        @Override
        public int hashCode() {
            return Objects.hash(System.identityHashCode(weight), type, device);
        }
    }

    private final Map<Key, NDArray> copies = new HashMap<>();

    /**
     * {@code w} on the device of {@code like} and, when both are floating, in its type: {@code w}
     * itself when it already is, else a copy made on first use.
     */
    public NDArray like(NDArray w, NDArray like) {
        DataType type = w.getDataType().isFloating() && like.getDataType().isFloating() ? like.getDataType()
                : w.getDataType();
        Device device = like.getDevice();
        if (type == w.getDataType() && device.equals(w.getDevice())) {
            return w;
        }
        Key key = new Key(w, type, device);
        synchronized (copies) {
            NDArray c = copies.get(key);
            if (c == null || c.isReleased()) {
                NDArray moved = device.equals(w.getDevice()) ? w : w.toDevice(device, false);
                c = moved.getDataType() == type ? moved : moved.toType(type, false);
                if (moved != w && moved != c) {
                    moved.close();
                }
                // kept beyond any scope the first caller runs in; freed with the weight's manager
                NDScope.unregister(c);
                c.attach(w.getManager());
                // copies of weights whose manager has closed since (a store's per-call mirror, say) go
                copies.values().removeIf(NDArray::isReleased);
                copies.put(key, c);
                // complete before another thread, on another stream, can take it from here
                DeviceStreams.synchronize(device);
            }
            return c;
        }
    }
}
