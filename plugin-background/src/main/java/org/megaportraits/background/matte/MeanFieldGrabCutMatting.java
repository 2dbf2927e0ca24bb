package org.megaportraits.background.matte;

import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.function.Function;
import org.megaportraits.nn.tensor.ScriptProgram;
import org.megaportraits.sdk.face.Face;
import org.megaportraits.sdk.image.RgbImage;

/**
 * The classic matte computed on the crops' device, a whole batch at once: GrabCut's model, solved
 * by mean-field inference instead of a graph cut. Seeds come from the face as for {@link
 * GrabCutMatting} (face outline = person, head ellipse and torso = probably person, a margin =
 * probably background, the rest = background); the person and the background each get a mixture
 * of five full-covariance colour Gaussians; a pixel's label weighs how
 * well each mixture explains its colour against the labels around it. The neighbours' messages
 * pass through a guided filter of the crop, an edge-aware window of 17
 * pixels, as dense conditional random fields pass them through a bilateral filter. Two rounds of
 * refitting the mixtures and relabelling, as GrabCut's two iterations; then the person is cut down
 * to what connects to the face. It works at 128 pixels; the hard labels are feathered and scaled up
 * as GrabCut's are.
 * <p>
 * On the demo photos' 22 faces it agrees with OpenCV's GrabCut to a mean intersection-over-union
 * of 0.77: where they differ, either can be the better (this one keeps more hair, OpenCV's is
 * less fooled by a light background next to pale skin). The solver is TorchScript
 * ({@code MeanFieldMatte.torchscript} beside this class, run as a {@link ScriptProgram}): a batch is
 * one engine call of a few hundred kernels (window sums as matrix products). On a CPU OpenCV's
 * exact cut is faster, so CPU sessions keep it.
 */
public final class MeanFieldGrabCutMatting extends SeededMatting {

    /** A matting that finds faces, where no landmarks are given, with {@code findFaces} (see {@link SeededMatting}). */
    public MeanFieldGrabCutMatting(Function<RgbImage, List<Face>> findFaces) {
        super(findFaces);
    }

    @Override
    NDArray labels(NDArray small, List<HeadRegions> regions, int fullWidth, int fullHeight) {
        int wh = (int) small.getShape().get(2);
        int ww = (int) small.getShape().get(3);
        return labels(small, SeedMaps.labels(small.getManager(), regions, fullWidth, fullHeight, ww, wh));
    }

    /**
     * Hard person labels (1 person, 0 background), N x 1 x h x w, of images N x 3 x h x w in [0, 1]
     * (float32) with seed labels N x 1 x h x w ({@link SeedMaps}).
     */
    static NDArray labels(NDArray images, NDArray seeds) {
        return Solver.PROGRAM.call("labels", images, seeds).singletonOrThrow();
    }

    /** The solver, compiled on first use (sessions that take OpenCV's cut never compile it). */
    static final class Solver {
        static final ScriptProgram PROGRAM = ScriptProgram.compileResource(MeanFieldGrabCutMatting.class, "MeanFieldMatte");

        private Solver() {
        }
    }
}
