package org.megaportraits.training.checkpoint;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * What a checkpoint holds: named tensor groups (a network's parameters and buffers, an optimizer's
 * first and second moments, ...) and a JSON document of everything else (step, optimizer step
 * counts, schedules, seeds, the configuration).
 *
 * @param step the number of steps done
 * @param tensors per group name, the tensors by name
 * @param state the rest of the state
 */
public record Checkpoint(long step, Map<String, Map<String, NDArray>> tensors, JsonNode state) {
}
