package org.megaportraits.training.optim;

/**
 * Cosine annealing from {@code initial} to {@code last} over {@code totalSteps} steps (as
 * {@code torch.optim.lr_scheduler.CosineAnnealingLR} with {@code eta_min}), in closed form: the
 * rate of a step depends on the step index alone, so the schedule's whole state is the step.
 * Past the last step it stays at {@code last}.
 */
public record CosineSchedule(double initial, double last, long totalSteps) {

    /** Checks the range. */
    public CosineSchedule {
        if (totalSteps < 1) {
            throw new IllegalArgumentException("a schedule needs at least one step, got " + totalSteps);
        }
    }

    /** The learning rate of step {@code step} (0-based: step 0 uses {@code initial}). */
    public double rate(long step) {
        if (step >= totalSteps) {
            return last;
        }
        double progress = (double) step / totalSteps;
        return last + (initial - last) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
}
