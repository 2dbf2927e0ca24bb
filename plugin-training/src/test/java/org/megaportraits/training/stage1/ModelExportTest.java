package org.megaportraits.training.stage1;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.megaportraits.basemodel.net.BaseGenerator;
import org.megaportraits.basemodel.net.BaseModelConfig;
import org.megaportraits.nn.layer.NamedParameters;
import org.megaportraits.nn.weights.ModelFolder;
import org.megaportraits.nn.weights.WeightsFile;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.InvalidInputException;
import org.megaportraits.training.checkpoint.ModelExport;

class ModelExportTest {

    @TempDir
    Path dir;

    @Test
    void aTrainedGeneratorBecomesAModelFolderOfTheBaseModelBundle() throws Exception {
        Path data = TinyRun.data(dir.resolve("data"));
        Map<String, float[]> trained = new java.util.LinkedHashMap<>();
        try (Stage1Trainer t = new Stage1Trainer(TinyRun.config(dir.resolve("c.json"), 1, 2), data, dir.resolve("run"),
                ExecutionOptions.CPU, FaceServices.NONE)) {
            t.train(1, () -> false, s -> { });
            t.generatorWeights().forEach((k, v) -> trained.put(k, v.toFloatArray()));
        }
        Path out = dir.resolve("model");
        ModelExport.export(dir.resolve("run"), out, "tiny");
        ModelFolder folder = ModelFolder.open(out, ModelExport.ARCHITECTURE);
        assertEquals("step-1", folder.descriptor().version());
        WeightsFile w = folder.weights();
        w.checkFits(NamedParameters.of(new BaseGenerator(BaseModelConfig.preset("small"))));
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            String name = "decoder.head.weight";
            assertArrayEquals(trained.get(name), w.read(w.entries().get(name), m).toFloatArray(), 0f);
        }
        assertThrows(InvalidInputException.class, () -> ModelExport.export(dir.resolve("run"), out, "again"));
    }
}
