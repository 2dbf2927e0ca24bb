package org.megaportraits.host.swaptest;

import org.megaportraits.sdk.enhance.Enhancer;
import org.megaportraits.sdk.image.ImageBatch;

/** Stamps frames with the bundle's major version. */
final class StampSession implements Enhancer.Session {

    private final int major;

    StampSession(int major) {
        this.major = major;
    }

    @Override
    public int inputResolution() {
        return 512;
    }

    @Override
    public int outputResolution() {
        return 512;
    }

    @Override
    public ImageBatch enhance(ImageBatch renders) {
        // Stamp is first loaded here, on the first frame: after a swap if the session was opened before it
        return Stamp.apply(renders, major);
    }

    @Override
    public void close() {
        // nothing held
    }
}
