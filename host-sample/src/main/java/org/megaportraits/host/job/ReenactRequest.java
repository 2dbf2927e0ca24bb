package org.megaportraits.host.job;

import java.nio.file.Path;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.reenact.DrivingOptions;

/**
 * One reenactment job: a source portrait, a driver video, the output file, where the models run,
 * whether to run the enhancer, and how driver motion is applied.
 */
public record ReenactRequest(Path source, Path driver, Path output, ExecutionOptions options, boolean enhance,
                             DrivingOptions.Framing framing, DrivingOptions.Mode mode) {
}
