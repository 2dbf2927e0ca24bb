/**
 * Evaluation metrics of reenactment: PSNR, SSIM and identity similarity (CSIM), and the evaluator
 * that measures a trained base model on held-out data in self- and cross-reenactment.
 */
package org.megaportraits.training.metric;
