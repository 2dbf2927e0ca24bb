/**
 * Checkpoints of our own format, for exact resume: the named parameters and buffers of every
 * network, the optimizers' moments and step counts, the step, the schedule and the random state.
 * DJL's {@code saveParameters} loads by position and keeps no optimizer state, hence this.
 */
package org.megaportraits.training.checkpoint;
