package org.megaportraits.sdk.training;

import java.nio.file.Path;
import org.megaportraits.sdk.Api;
import org.megaportraits.sdk.ExecutionOptions;

/**
 * What to evaluate: the stage, a run folder (its newest checkpoint) or one checkpoint folder, an
 * optional JSON configuration naming metric networks (null: the run's own), a folder of held-out
 * data, the JSON report to write (null: none) and where it runs.
 */
@Api(value = Api.Status.EXPERIMENTAL, since = "0.1")
public record EvaluationSpec(Stage stage, Path checkpoint, Path config, Path data, Path report,
                             ExecutionOptions options) {
}
