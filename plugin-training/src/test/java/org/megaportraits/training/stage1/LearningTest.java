package org.megaportraits.training.stage1;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.training.run.LossLog;

/**
 * The short version of the proof runs: on two stills whose source and target views are the same
 * picture (no view motion, shared mirror and jitter), the generator must start reconstructing them
 * within a few dozen steps (the full proof, on clips of real faces, is in the module README).
 */
class LearningTest {

    @TempDir
    Path dir;

    @Test
    void theForegroundErrorFallsOverAFewDozenSteps() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        still(data.resolve("a.png"), new Color(200, 150, 120), new Color(40, 60, 90));
        still(data.resolve("b.png"), new Color(90, 160, 70), new Color(220, 210, 190));
        Path cfg = TinyRun.config(dir.resolve("c.json"), 60, 2);
        ObjectMapper json = new ObjectMapper();
        ObjectNode c = (ObjectNode) json.readTree(cfg.toFile());
        c.putObject("optimizer").putObject("generator").put("start", 1e-3).put("end", 1e-3);
        ((ObjectNode) c.get("losses")).put("l1", 100).put("adversarial", 0).put("featureMatching", 0).put("cycle", 0);
        ((ObjectNode) c.get("data").get("augmentation")).put("stillRotation", 0).put("stillScale", 0)
                .put("stillShift", 0);
        ((ObjectNode) c.get("run")).put("sampleEvery", 0);
        Files.writeString(cfg, json.writeValueAsString(c));
        try (Stage1Trainer t = new Stage1Trainer(cfg, data, dir.resolve("run"), ExecutionOptions.CPU, FaceServices.NONE)) {
            t.train(60, () -> false, s -> { });
        }
        List<double[]> l1 = LossLog.read(dir.resolve("run/losses.jsonl")).get("l1_foreground");
        double first = mean(l1.subList(0, 5));
        double last = mean(l1.subList(l1.size() - 5, l1.size()));
        assertTrue(last < 0.6 * first, "foreground L1 went from " + first + " to " + last);
    }

    /** A 64 px picture with a soft disc ("head") on a two-tone background. */
    private static void still(Path file, Color head, Color background) throws Exception {
        BufferedImage im = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = im.createGraphics();
        g.setColor(background);
        g.fillRect(0, 0, 64, 64);
        g.setColor(background.brighter());
        g.fillRect(0, 40, 64, 24);
        g.setColor(head);
        g.fillOval(16, 10, 32, 40);
        g.setColor(head.darker().darker());
        g.fillOval(24, 22, 5, 4);
        g.fillOval(36, 22, 5, 4);
        g.fillRect(27, 38, 10, 3);
        g.dispose();
        ImageIO.write(im, "png", file.toFile());
    }

    private static double mean(List<double[]> points) {
        return points.stream().mapToDouble(p -> p[1]).average().orElseThrow();
    }
}
