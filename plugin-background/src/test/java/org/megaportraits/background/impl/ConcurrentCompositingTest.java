package org.megaportraits.background.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.megaportraits.background.matte.Matting;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.face.FaceAnalyzer;
import org.megaportraits.sdk.image.ImageBatch;
import org.megaportraits.sdk.image.RgbImage;

/** A classic compositor session called from two threads at once, as the reenact job's compositing stage calls it on a GPU. */
class ConcurrentCompositingTest {

    private static final int SIDE = 48;

    @Test
    void theClassicMatteGivesTwoThreadsAtOnceWhatItGivesOneAfterTheOther() throws Exception {
        // no landmarks are given, so faces are searched, through a face session that fails overlapping calls
        AtomicInteger searching = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        FaceAnalyzer.Session faces = (FaceAnalyzer.Session) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {FaceAnalyzer.Session.class}, (proxy, method, args) -> {
                    if (method.getName().equals("detect")) {
                        if (searching.incrementAndGet() > 1) {
                            overlaps.incrementAndGet();
                        }
                        Thread.sleep(2);
                        searching.decrementAndGet();
                        return List.of();
                    }
                    return null;
                });
        CompositorSession session = new CompositorSession(ExecutionOptions.CPU, null, false, () -> faces, () -> { });
        try {
            assertTrue(session.acceptsConcurrentCalls());
            List<ImageBatch> batches = List.of(ImageBatch.ofHost(crops(1)), ImageBatch.ofHost(crops(2)));
            List<byte[]> alone = new ArrayList<>();
            for (ImageBatch b : batches) {
                alone.add(bytes(session.matte(b)));
            }
            for (int round = 0; round < 3; round++) {
                CountDownLatch start = new CountDownLatch(1);
                List<CompletableFuture<byte[]>> together = new ArrayList<>();
                for (ImageBatch b : batches) {
                    together.add(CompletableFuture.supplyAsync(() -> {
                        try {
                            start.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        ImageBatch mattes = session.matte(b);
                        return bytes(session.backgroundPlate(b, mattes));
                    }));
                }
                start.countDown();
                for (int i = 0; i < batches.size(); i++) {
                    byte[] plate = bytes(session.backgroundPlate(batches.get(i), session.matte(batches.get(i))));
                    assertArrayEquals(plate, together.get(i).join(), "plate of batch " + i + " made beside another");
                }
            }
            for (int i = 0; i < batches.size(); i++) {
                assertArrayEquals(alone.get(i), bytes(session.matte(batches.get(i))), "matte of batch " + i);
            }
            assertTrue(searching.get() == 0 && overlaps.get() == 0, overlaps.get() + " face searches overlapped another");
        } finally {
            session.close();
        }
    }

    @Test
    void aConfiguredMattingNetworkTakesOneCallAtATime() {
        Matting network = new Matting() {
            @Override
            public NDArray matte(NDArray images) {
                throw new UnsupportedOperationException("not called");
            }

            @Override
            public void close() {
                // nothing held
            }
        };
        CompositorSession session = new CompositorSession(ExecutionOptions.CPU, network, false, () -> null, () -> { });
        try {
            assertFalse(session.acceptsConcurrentCalls());
        } finally {
            session.close();
        }
    }

    /** Two crops of a light disc on a dark ground, differing by {@code seed}. */
    private static List<RgbImage> crops(int seed) {
        List<RgbImage> out = new ArrayList<>();
        for (int k = 0; k < 2; k++) {
            byte[] rgb = new byte[SIDE * SIDE * 3];
            for (int y = 0; y < SIDE; y++) {
                for (int x = 0; x < SIDE; x++) {
                    double r = Math.hypot(x - SIDE / 2.0 - seed, y - SIDE / 2.0 - k);
                    int v = r < SIDE / 3.0 ? 200 + (x * seed + y) % 40 : 30 + (x + y * seed) % 20;
                    for (int c = 0; c < 3; c++) {
                        rgb[(y * SIDE + x) * 3 + c] = (byte) (v - 10 * c);
                    }
                }
            }
            out.add(new RgbImage(SIDE, SIDE, rgb));
        }
        return out;
    }

    private static byte[] bytes(ImageBatch batch) {
        List<RgbImage> images = batch.toHost();
        batch.close();
        byte[] all = new byte[images.size() * images.get(0).rgb().length];
        for (int i = 0; i < images.size(); i++) {
            System.arraycopy(images.get(i).rgb(), 0, all, i * images.get(0).rgb().length, images.get(0).rgb().length);
        }
        return all;
    }
}
