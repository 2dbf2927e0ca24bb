/**
 * The stage-1 training objectives (paper section 3.1, eq. 4 to 8): perceptual L1 on feature
 * pyramids of pluggable networks, hinge adversarial loss, feature matching on discriminator
 * features, and the CosFace cycle-consistency loss on motion descriptors; all on the foreground.
 * Every function takes and returns NDArrays and records gradients through whatever requires them.
 */
package org.megaportraits.training.loss;
