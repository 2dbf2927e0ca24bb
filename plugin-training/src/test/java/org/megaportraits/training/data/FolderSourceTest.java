package org.megaportraits.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.megaportraits.sdk.InvalidInputException;
import org.megaportraits.sdk.image.RgbImage;

class FolderSourceTest {

    @TempDir
    Path dir;

    @Test
    void videosFrameFoldersAndStillsAreIdentitiesInNameOrder() throws Exception {
        TestClips.movingSquare(dir.resolve("b-clip.mp4"), 48, 12, 200);
        Path frames = Files.createDirectory(dir.resolve("a-frames"));
        for (int i = 0; i < 3; i++) {
            BufferedImage im = new BufferedImage(20, 10, BufferedImage.TYPE_INT_RGB);
            im.setRGB(i, 0, 0xff0000);
            ImageIO.write(im, "png", frames.resolve("f" + i + ".png").toFile());
        }
        ImageIO.write(new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB), "jpg", dir.resolve("c-still.jpg").toFile());
        Files.writeString(dir.resolve("notes.txt"), "ignored");
        try (FolderSource s = FolderSource.open(dir)) {
            assertEquals(List.of("a-frames", "b-clip.mp4", "c-still.jpg"), s.names());
            assertEquals(3, s.frames(0));
            assertEquals(12, s.frames(1));
            assertTrue(s.still(2));
            assertFalse(s.still(1));
            RgbImage f2 = s.frame(0, 2);
            assertEquals(255, f2.get(2, 0, 0));
            // the square is at x = 4 + frame: frame 7 has its left edge at 11
            RgbImage v = s.frame(1, 7);
            assertEquals(48, v.width());
            assertTrue(v.get(12, 24, 0) > 150, "inside the square");
            assertTrue(v.get(8, 24, 0) < 80, "left of the square");
            // random access gives the same frame again
            assertArrayEquals(v.rgb(), s.frame(1, 7).rgb());
        }
    }

    @Test
    void aDamagedVideoIsReportedByName() throws Exception {
        Files.write(dir.resolve("broken.mp4"), new byte[] {0, 1, 2, 3, 4, 5});
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> FolderSource.open(dir));
        assertTrue(e.getMessage().contains("broken.mp4"), e.getMessage());
    }

    @Test
    void anEmptyFolderIsAClearError() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> FolderSource.open(dir));
        assertTrue(e.remedy().contains("video"), e.getMessage());
    }
}
