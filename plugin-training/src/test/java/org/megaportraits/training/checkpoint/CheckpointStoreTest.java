package org.megaportraits.training.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.megaportraits.sdk.InvalidInputException;

class CheckpointStoreTest {

    @TempDir
    Path run;

    @Test
    void savedTensorsAndStateComeBackBitForBitAndOnlyTheNewestAreKept() throws Exception {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            CheckpointStore store = new CheckpointStore(run, 2);
            NDArray w = m.randomNormal(new Shape(3, 4));
            NDArray u = m.create(new float[] {Float.MIN_VALUE, -0f, 1e30f});
            for (long step : new long[] {10, 20, 30}) {
                store.save(new Checkpoint(step, Map.of("generator", Map.of("conv.weight", w, "conv.spectral_u", u),
                        "opt", Map.of("m", w.mul(step))), new ObjectMapper().createObjectNode().put("seed", 7)));
            }
            // a half-written checkpoint is ignored
            Files.createDirectories(store.folder().resolve("step-00000040.partial"));
            List<Path> all = store.list();
            assertEquals(2, all.size());
            assertEquals("step-00000030", store.latest().orElseThrow().getFileName().toString());
            Checkpoint c = CheckpointStore.load(store.latest().orElseThrow(), m);
            assertEquals(30, c.step());
            assertEquals(7, c.state().path("seed").asInt());
            assertArrayEquals(w.toFloatArray(), c.tensors().get("generator").get("conv.weight").toFloatArray(), 0f);
            assertArrayEquals(u.toFloatArray(), c.tensors().get("generator").get("conv.spectral_u").toFloatArray(), 0f);
            assertArrayEquals(w.mul(30).toFloatArray(), c.tensors().get("opt").get("m").toFloatArray(), 0f);
        }
    }

    @Test
    void aFolderThatIsNoCheckpointIsAClearError() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            assertThrows(InvalidInputException.class, () -> CheckpointStore.load(run, m));
        }
    }
}
