package org.megaportraits.sdk.image;

import java.util.List;
import java.util.Optional;
import org.megaportraits.sdk.Api;

/**
 * A batch of same-sized images as floats in [0, 1], channels first (N x C x H x W, C = 3 for RGB,
 * 1 for a matte), held on
 * some device. Services pass batches to each other without copying to the host: a service that
 * made a batch on the GPU hands it on, and the next service reads the device tensor through
 * {@link #unwrap(Class)}. A batch owns its memory: close it when done.
 */
@Api(Api.Status.STABLE)
public interface ImageBatch extends AutoCloseable {

    /** Number of images. */
    int size();

    /** Channels per image: 3 for RGB, 1 for a matte. */
    int channels();

    /** Height of every image in pixels. */
    int height();

    /** Width of every image in pixels. */
    int width();

    /** The device the pixels live on: {@code cpu} or {@code gpu:N}; {@code host} for plain Java memory. */
    String device();

    /** Copies all images to the host as 8-bit RGB (rounding, clamped to [0, 1]; a matte becomes grey). */
    List<RgbImage> toHost();

    /**
     * The underlying tensor as an engine type, if this batch is backed by one (for example
     * {@code ai.djl.ndarray.NDArray}); empty otherwise. The tensor stays owned by the batch.
     */
    <T> Optional<T> unwrap(Class<T> type);

    /** Frees the batch's memory. Idempotent. */
    @Override
    void close();

    /** A host-memory batch of the given images (all of one size): the way into any service. */
    static ImageBatch ofHost(List<RgbImage> images) {
        return new HostImageBatch(images);
    }
}
