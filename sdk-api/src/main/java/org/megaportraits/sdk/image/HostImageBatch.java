package org.megaportraits.sdk.image;

import java.util.List;
import java.util.Optional;
import org.megaportraits.sdk.Api;
import org.megaportraits.sdk.InvalidInputException;

/** An {@link ImageBatch} of 8-bit images in plain Java memory; services upload it to their device. */
@Api(Api.Status.STABLE)
public final class HostImageBatch implements ImageBatch {

    private final List<RgbImage> images;

    /** A batch of one or more images of one size. */
    public HostImageBatch(List<RgbImage> images) {
        if (images == null || images.isEmpty()) {
            throw new InvalidInputException("empty image batch", "pass at least one image");
        }
        RgbImage first = images.get(0);
        for (RgbImage im : images) {
            if (im.width() != first.width() || im.height() != first.height()) {
                throw new InvalidInputException("images of a batch differ in size: " + first.width() + "x" + first.height()
                        + " and " + im.width() + "x" + im.height(), "resize them to one size first");
            }
        }
        this.images = List.copyOf(images);
    }

    @Override
    public int size() {
        return images.size();
    }

    @Override
    public int channels() {
        return 3;
    }

    @Override
    public int height() {
        return images.get(0).height();
    }

    @Override
    public int width() {
        return images.get(0).width();
    }

    @Override
    public String device() {
        return "host";
    }

    @Override
    public List<RgbImage> toHost() {
        return images;
    }

    @Override
    public <T> Optional<T> unwrap(Class<T> type) {
        return Optional.empty();
    }

    @Override
    public void close() {
        // plain Java memory: nothing to free
    }
}
