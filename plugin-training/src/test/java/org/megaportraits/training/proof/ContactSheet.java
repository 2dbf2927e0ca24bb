package org.megaportraits.training.proof;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.megaportraits.background.impl.CompositorComponent;
import org.megaportraits.face.impl.FaceAnalyzerComponent;
import org.megaportraits.sdk.image.RgbImage;
import org.megaportraits.training.data.CroppedFrame;
import org.megaportraits.training.data.FolderSource;
import org.megaportraits.training.data.FrameCropper;
import org.megaportraits.training.run.SampleGrid;
import org.megaportraits.training.stage1.FaceServices;

/**
 * A PNG of what training sees: for the first identities of a data folder, frames 0, middle and last
 * as decoded and as the face pipeline crops them (with the matte). Usage:
 * {@code ContactSheet DATA_DIR OUT.png [size=64] [identities=6]}.
 */
public final class ContactSheet {

    private ContactSheet() {
    }

    /** Entry point. */
    public static void main(String[] args) {
        int size = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        int ids = args.length > 3 ? Integer.parseInt(args[3]) : 6;
        List<List<RgbImage>> cols = new ArrayList<>();
        List<String> titles = new ArrayList<>();
        FaceServices faces = new FaceServices(new FaceAnalyzerComponent(), new CompositorComponent());
        try (FolderSource s = FolderSource.open(Path.of(args[0]));
             FrameCropper c = faces.croppers("pipeline", size).get()) {
            int n = Math.min(ids, s.identities());
            for (int k = 0; k < 3; k++) {
                titles.add("frame " + k);
                titles.add("crop " + k);
                titles.add("matte " + k);
                List<RgbImage> raw = new ArrayList<>();
                List<RgbImage> crop = new ArrayList<>();
                List<RgbImage> matte = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    int f = k * (s.frames(i) - 1) / 2;
                    RgbImage frame = s.frame(i, f);
                    CroppedFrame cf = c.crop(frame).orElseThrow();
                    raw.add(org.megaportraits.training.data.Planar.of(frame).cropResize(0, 0, frame.width(), size).toRgb());
                    crop.add(cf.image().toRgb());
                    matte.add(cf.matte().toRgb());
                    System.out.println(s.name(i) + " frame " + f + " pose " + cf.pose());
                }
                cols.add(raw);
                cols.add(crop);
                cols.add(matte);
            }
        }
        SampleGrid.write(Path.of(args[1]), titles, cols);
    }
}
