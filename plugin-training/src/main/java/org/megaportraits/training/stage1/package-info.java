/**
 * Stage-1 training of the base model (paper section 3.1): replicas of generator and discriminator
 * on one or more devices, one optimisation step of both, and the run loop around it (resume,
 * logs, samples, checkpoints, stop).
 *
 * <p>Data-parallel training: one replica per device, the batch split between them. All replicas'
 * forward passes run in one gradient recording; every loss is the mean over the whole batch (each
 * replica's mean weighted by its share, the cycle loss computed once over the descriptors of all
 * replicas), so one backward pass gives each replica its share of the gradient. The shares are
 * summed onto the first replica - the average of the replicas' own mean-loss gradients when the
 * shares are equal - which takes the one optimizer step and the one schedule step of the global
 * step, then its weights are copied to the others. DJL's multi-device trainer is not used: it sums
 * gradients and advances the optimizer's count once per device. Checkpoints hold the first
 * replica's state only, so they do not depend on the number of devices.
 */
package org.megaportraits.training.stage1;
