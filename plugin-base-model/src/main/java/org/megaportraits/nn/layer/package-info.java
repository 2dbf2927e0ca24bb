/**
 * Network layers that DJL 0.36 on PyTorch lacks, built from NDArray operations so that autograd
 * runs through them: group normalisation (plain and embedding-adaptive), convolutions with weight
 * standardisation and spectral normalisation, residual blocks (2D/3D, with up- and down-sampling),
 * a group-normalised ResNet, resampling, deterministic seeded initialisation and stable
 * parameter names. Shared by every model bundle and by training.
 */
@Export
@Version("1.0.0")
package org.megaportraits.nn.layer;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
