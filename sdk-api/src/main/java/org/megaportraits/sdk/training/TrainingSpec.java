package org.megaportraits.sdk.training;

import java.nio.file.Path;
import org.megaportraits.sdk.Api;
import org.megaportraits.sdk.ExecutionOptions;

/**
 * What to train: the stage, its JSON configuration, the data folder, the run folder (checkpoints,
 * logs, sample grids; an existing run there is resumed) and where it runs.
 */
@Api(Api.Status.STABLE)
public record TrainingSpec(Stage stage, Path config, Path data, Path runDir, ExecutionOptions options) {
}
