/**
 * Optimisation: AdamW with decoupled weight decay and fully exposed state, and the cosine
 * learning-rate schedule. Both are written here rather than taken from DJL because DJL's optimizers
 * keep their moments and step counts private (no exact resume) and advance their step once per
 * device (wrong for data-parallel training).
 */
package org.megaportraits.training.optim;
