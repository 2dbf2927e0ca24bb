package org.megaportraits.training.stage1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.megaportraits.nn.tensor.Devices;
import org.megaportraits.sdk.InvalidInputException;

/** The next step's shards are made on the upload thread, handed over once, and freed if never taken. */
class ShardUploadTest {

    @Test
    void theShardsMadeAheadAreHandedOverOnAnotherThread() throws Exception {
        try (NDManager root = NDManager.newBaseManager(Device.cpu(), Devices.ENGINE);
             ShardUpload upload = new ShardUpload()) {
            String[] thread = new String[1];
            ShardUpload.Shards made = new ShardUpload.Shards(List.of(), List.of(root.newSubManager()));
            upload.start(() -> {
                thread[0] = Thread.currentThread().getName();
                return made;
            });
            try (ShardUpload.Shards taken = upload.take()) {
                assertSame(made, taken);
            }
            assertEquals("training-upload", thread[0]);
            assertFalse(made.managers().get(0).isOpen(), "closing the shards closes their managers");
        }
    }

    @Test
    void aFailureIsRethrownAsItWas() {
        try (ShardUpload upload = new ShardUpload()) {
            upload.start(() -> {
                throw new InvalidInputException("a broken frame", "remove it");
            });
            InvalidInputException e = assertThrows(InvalidInputException.class, upload::take);
            assertEquals("remove it", e.remedy());
        }
    }

    @Test
    void shardsMadeButNeverTakenAreFreedOnClose() throws Exception {
        try (NDManager root = NDManager.newBaseManager(Device.cpu(), Devices.ENGINE)) {
            NDManager m = root.newSubManager();
            CountDownLatch made = new CountDownLatch(1);
            try (ShardUpload upload = new ShardUpload()) {
                upload.start(() -> {
                    made.countDown();
                    return new ShardUpload.Shards(List.of(), List.of(m));
                });
                made.await();
                Thread.sleep(50);
            }
            assertFalse(m.isOpen());
        }
    }

    @Test
    void startingTwiceWithoutTakingIsRefused() {
        try (ShardUpload upload = new ShardUpload()) {
            upload.start(() -> new ShardUpload.Shards(List.of(), List.of()));
            assertThrows(IllegalStateException.class, () -> upload.start(() -> null));
        }
    }
}
