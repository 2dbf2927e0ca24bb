/**
 * Tensor arithmetic that is safe under autograd on the CPU. DJL 0.36 builds the scalar of
 * {@code x.mul(Number)} (and div, pow, maximum, minimum) over a Java direct buffer that it frees
 * right after the operation, while autograd keeps the scalar for the backward pass: once the
 * garbage collector reclaims the buffer, gradients read freed memory. Every scalar here is
 * allocated by the engine instead, so autograd's reference keeps it alive.
 */
package org.megaportraits.training.tensor;
