package org.megaportraits.host.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.megaportraits.host.TestData;
import org.megaportraits.sdk.image.RgbImage;

/** A video decoded into memory replays the file's frames and sound; the discarding sink counts and keeps nothing. */
class InMemoryVideoTest {

    @TempDir
    Path dir;

    @Test
    void decodedVideoReplaysTheFileAndThePipelineRunsIntoTheDiscardingSink() {
        Path file = dir.resolve("clip.mp4");
        RgbImage photo = VideoReader.readStill(TestData.photo(1));
        new StillMotionClip(930, 560, 500, 96, 10, new FrameRate(25, 1), 440).write(photo, file);
        List<Object> fromFile = new ArrayList<>();
        VideoInfo info;
        try (VideoReader reader = VideoReader.open(file)) {
            info = reader.info();
            Object item;
            while ((item = reader.next()) != null) {
                fromFile.add(item);
            }
        }
        try (DecodedVideo decoded = DecodedVideo.readAll(file)) {
            assertEquals(info, decoded.info());
            int audio = 0;
            for (Object expected : fromFile) {
                Object item = decoded.next();
                assertEquals(expected.getClass(), item.getClass());
                if (item instanceof RgbImage image) {
                    assertArrayEquals(((RgbImage) expected).rgb(), image.rgb());
                } else {
                    assertArrayEquals(((AudioChunk) expected).samples(), ((AudioChunk) item).samples());
                    audio++;
                }
            }
            assertNull(decoded.next());
            assertTrue(audio > 0, "the clip's sound is replayed too");
        }
        try (DecodedVideo decoded = DecodedVideo.readAll(file); DiscardingSink sink = new DiscardingSink(96, 96)) {
            VideoPipeline.Result r = VideoPipeline.run(decoded, sink, 4, batch -> batch, Progress.silent());
            assertEquals(10, r.frames());
            assertEquals(10, sink.framesWritten());
            assertThrows(IllegalArgumentException.class, () -> sink.writeImage(photo));
        }
    }
}
