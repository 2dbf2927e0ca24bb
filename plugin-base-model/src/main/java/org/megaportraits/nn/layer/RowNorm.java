package org.megaportraits.nn.layer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.megaportraits.nn.tensor.MixedPrecision;

/**
 * Rows shifted to mean 0 and divided by their standard deviation, by one layer-norm kernel with a
 * unit weight and zero bias (exact, so the result is the plain normalisation): the work of the
 * textbook mean / subtract / square / mean / divide chain. On the GPU the kernel takes the
 * statistics of half-precision rows in fp32 itself; PyTorch's CPU kernels lack some half-precision
 * versions, so there half-precision rows are normalised in fp32 and cast back.
 */
final class RowNorm {

    private RowNorm() {
    }

    /** {@code rows} normalised along their last axis, same shape and type. */
    static NDArray normalize(NDArray rows, float eps) {
        DataType type = rows.getDataType();
        boolean upcast = (type == DataType.FLOAT16 || type == DataType.BFLOAT16) && !rows.getDevice().isGpu();
        NDArray in = upcast ? MixedPrecision.cast(rows, DataType.FLOAT32) : rows;
        Shape s = in.getShape();
        Shape row = new Shape(s.get(s.dimension() - 1));
        NDManager m = in.getManager();
        NDArray ones = m.ones(row, in.getDataType(), in.getDevice());
        NDArray zeros = m.zeros(row, in.getDataType(), in.getDevice());
        NDArray out = in.getNDArrayInternal().layerNorm(in, row, ones, zeros, eps).singletonOrThrow();
        return upcast ? MixedPrecision.cast(out, type) : out;
    }
}
