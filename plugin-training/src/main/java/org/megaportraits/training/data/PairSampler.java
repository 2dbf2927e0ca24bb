package org.megaportraits.training.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Supplier;
import org.megaportraits.sdk.InvalidInputException;

/**
 * Draws training examples. Every example is a pure function of (seed, step, slot): its random
 * generator is seeded from those three numbers, so a run resumed at step k sees exactly the data a
 * straight run would, however far the loader had read ahead when the run stopped.
 *
 * <p>Crops are cached (least recently used beyond {@code cachedFrames}): face detection and
 * matting are the expensive part and a small data set is then processed once.
 */
public final class PairSampler {

    private static final int FACE_TRIES = 20;

    private final FrameSource source;
    private final ThreadLocal<FrameCropper> croppers;
    private final List<FrameCropper> allCroppers = new ArrayList<>();
    private final Augmenter augmenter;
    private final long seed;
    private final Map<Long, CroppedFrame> cache;

    /**
     * A sampler over a data source.
     *
     * @param croppers makes one cropper per loading thread
     * @param cachedFrames how many cropped frames to keep
     */
    public PairSampler(FrameSource source, Supplier<FrameCropper> croppers, Augmenter augmenter, long seed,
                       int cachedFrames) {
        if (source.identities() < 2) {
            throw new InvalidInputException("the data has " + source.identities() + " identity, training needs at least 2"
                    + " (the cycle loss pairs each sample with another identity)", "add more videos or images to the data folder");
        }
        this.source = source;
        this.croppers = ThreadLocal.withInitial(() -> {
            FrameCropper c = croppers.get();
            synchronized (allCroppers) {
                allCroppers.add(c);
            }
            return c;
        });
        this.augmenter = augmenter;
        this.seed = seed;
        this.cache = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, CroppedFrame> eldest) {
                return size() > cachedFrames;
            }
        };
    }

    /** The data source. */
    public FrameSource source() {
        return source;
    }

    /** The examples of one step. */
    public List<Example> batch(long step, int size) {
        List<Example> out = new ArrayList<>(size);
        for (int slot = 0; slot < size; slot++) {
            out.add(example(step, slot));
        }
        return out;
    }

    /** Example {@code slot} of step {@code step}. */
    public Example example(long step, int slot) {
        Random rng = new Random(mix(seed, step, slot));
        int n = source.identities();
        int first = rng.nextInt(n);
        int second = (first + 1 + rng.nextInt(n - 1)) % n;
        return new Example(pair(first, rng), pair(second, rng));
    }

    private Example.Pair pair(int identity, Random rng) {
        CroppedFrame source;
        CroppedFrame driver;
        if (this.source.still(identity)) {
            CroppedFrame still = cropped(identity, 0, rng);
            source = augmenter.stillView(still, rng);
            driver = augmenter.stillView(still, rng);
        } else {
            source = cropped(identity, -1, rng);
            driver = cropped(identity, -1, rng);
        }
        CroppedFrame[] views = augmenter.views(source, driver, rng);
        long jitterSeed = rng.nextLong();
        source = augmenter.jitter(views[0], new Random(jitterSeed));
        Planar expression = augmenter.expression(views[1].image(), rng);
        Random driverJitter = augmenter.settings().sharedViews() ? new Random(jitterSeed) : rng;
        return new Example.Pair(identity, source, augmenter.jitter(views[1], driverJitter), expression);
    }

    /** A cropped frame of the identity: frame {@code index}, or random frames until one has a face. */
    private CroppedFrame cropped(int identity, int index, Random rng) {
        for (int t = 0; t < FACE_TRIES; t++) {
            int f = index >= 0 ? index : rng.nextInt(source.frames(identity));
            long key = ((long) identity << 32) | f;
            CroppedFrame hit;
            synchronized (cache) {
                hit = cache.get(key);
            }
            if (hit != null) {
                return hit;
            }
            Optional<CroppedFrame> c = croppers.get().crop(source.frame(identity, f));
            if (c.isPresent()) {
                synchronized (cache) {
                    cache.put(key, c.get());
                }
                return c.get();
            }
            if (index >= 0) {
                break;
            }
        }
        throw new InvalidInputException("no face found in " + source.name(identity)
                + (index >= 0 ? "" : " in " + FACE_TRIES + " random frames"),
                "remove it from the data folder, or crop the faces beforehand");
    }

    /** The seed of step {@code step}'s other random draws (the engine's generator). */
    public static long stepSeed(long seed, long step) {
        return mix(seed, step, -1);
    }

    /** SplitMix64-style mixing of the three numbers into one seed. */
    static long mix(long seed, long step, long slot) {
        long z = seed * 0x9E3779B97F4A7C15L + step * 0xBF58476D1CE4E5B9L + slot * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Closes every cropper made. */
    public void closeCroppers() {
        synchronized (allCroppers) {
            allCroppers.forEach(FrameCropper::close);
            allCroppers.clear();
        }
    }
}
