package org.megaportraits.host.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.InvalidInputException;
import org.megaportraits.sdk.ModelUnavailableException;
import org.megaportraits.sdk.face.AlignedFaces;
import org.megaportraits.sdk.face.HeadPose;
import org.megaportraits.sdk.image.ImageBatch;
import org.megaportraits.sdk.image.RgbImage;
import org.megaportraits.sdk.reenact.Avatar;
import org.megaportraits.sdk.reenact.DrivingOptions;
import org.megaportraits.sdk.reenact.Motion;
import org.megaportraits.sdk.reenact.ReenactmentModel;

/** The model's start-up beside the job's thread: what is made is closed once, failures arrive as thrown. */
class ModelStartTest {

    /** What happened, in order, from any thread. */
    private final List<String> events = new CopyOnWriteArrayList<>();

    @Test
    void sessionOpensAndAvatarEncodesOnTheStartThreadAndBothCloseAvatarFirst() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        String jobThread = Thread.currentThread().getName();
        ModelStart start = new ModelStart(8, () -> {
            await(release);
            events.add("open on " + Thread.currentThread().getName());
            return new RecordingSession();
        });
        // the job's thread goes on while the session is still opening
        start.encode(source(), (s, prepared) -> {
            events.add("encode " + prepared.aligned().size() + " on " + Thread.currentThread().getName());
            return new RecordingAvatar();
        });
        events.add("job thread free");
        release.countDown();
        Avatar a = start.avatar();
        assertTrue(a instanceof RecordingAvatar);
        assertSame(start.session(), start.session());
        start.close();
        assertEquals("job thread free", events.get(0));
        assertEquals("open on reenact-model-start", events.get(1));
        assertEquals("encode 1 on reenact-model-start", events.get(2));
        assertNotEquals("reenact-model-start", jobThread);
        // the prepared source is closed once encoded, the avatar before the session at the end
        assertEquals(List.of("source matte closed", "source crops closed", "avatar closed", "session closed"),
                events.subList(3, events.size()).stream().sorted(ModelStartTest::closeOrder).toList());
        assertEquals(List.of("avatar closed", "session closed"), events.subList(events.size() - 2, events.size()));
    }

    @Test
    void aSessionThatFailsToOpenIsWhatTheAvatarThrowsAndTheSourceIsStillClosed() {
        ModelUnavailableException damaged = new ModelUnavailableException("weights damaged", "download them again");
        ModelStart start = new ModelStart(8, () -> {
            throw damaged;
        });
        start.encode(source(), (s, prepared) -> {
            events.add("encode");
            return new RecordingAvatar();
        });
        assertSame(damaged, assertThrows(ModelUnavailableException.class, start::avatar));
        assertSame(damaged, assertThrows(ModelUnavailableException.class, start::session));
        start.close();
        assertEquals(List.of("source matte closed", "source crops closed"), events);
    }

    @Test
    void anEncodingFailureIsThrownAsItWasAndTheSessionStillCloses() {
        ModelStart start = new ModelStart(8, RecordingSession::new);
        InvalidInputException bad = new InvalidInputException("bad source", "use another photo");
        start.encode(source(), (s, prepared) -> {
            throw bad;
        });
        assertSame(bad, assertThrows(InvalidInputException.class, start::avatar));
        start.close();
        assertEquals(List.of("source matte closed", "source crops closed", "session closed"), events);
    }

    @Test
    void closingWithoutASourceClosesTheSessionOnly() {
        ModelStart start = new ModelStart(8, RecordingSession::new);
        assertThrows(IllegalStateException.class, start::avatar);
        start.close();
        assertEquals(List.of("session closed"), events);
    }

    private static int closeOrder(String a, String b) {
        List<String> order = List.of("source matte closed", "source crops closed", "avatar closed", "session closed");
        return Integer.compare(order.indexOf(a), order.indexOf(b));
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private ModelStart.PreparedSource source() {
        AlignedFaces aligned = new AlignedFaces(new RecordingBatch("source crops"), List.of(), List.of(HeadPose.FRONTAL),
                List.of(), List.of(true));
        return new ModelStart.PreparedSource(aligned, new RecordingBatch("source matte"));
    }

    private final class RecordingBatch implements ImageBatch {
        private final String name;

        RecordingBatch(String name) {
            this.name = name;
        }

        @Override
        public int size() {
            return 1;
        }

        @Override
        public int channels() {
            return 3;
        }

        @Override
        public int height() {
            return 8;
        }

        @Override
        public int width() {
            return 8;
        }

        @Override
        public String device() {
            return "cpu";
        }

        @Override
        public List<RgbImage> toHost() {
            return List.of(RgbImage.black(8, 8));
        }

        @Override
        public <T> Optional<T> unwrap(Class<T> type) {
            return Optional.empty();
        }

        @Override
        public void close() {
            events.add(name + " closed");
        }
    }

    private final class RecordingAvatar implements Avatar {
        @Override
        public HeadPose sourcePose() {
            return HeadPose.FRONTAL;
        }

        @Override
        public void close() {
            events.add("avatar closed");
        }
    }

    private final class RecordingSession implements ReenactmentModel.Session {
        @Override
        public ExecutionOptions options() {
            return ExecutionOptions.CPU;
        }

        @Override
        public int resolution() {
            return 8;
        }

        @Override
        public Avatar encodeAvatar(ImageBatch source, HeadPose pose, ImageBatch mask) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Motion extractMotion(ImageBatch drivers, List<HeadPose> poses) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ImageBatch render(Avatar avatar, Motion motion, DrivingOptions options) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
            events.add("session closed");
        }
    }
}
