/**
 * The multi-scale patch discriminator of stage-1 training (paper section 3.1 and supplement B.1):
 * PatchGAN (Isola et al.) at two scales as in pix2pixHD, spectrally normalised, unconditional.
 */
package org.megaportraits.training.discriminator;
