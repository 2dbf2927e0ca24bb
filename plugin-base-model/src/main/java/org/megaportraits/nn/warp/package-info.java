/**
 * 3D warping: trilinear grid sampling with PyTorch {@code grid_sample} semantics (zero padding,
 * align_corners=false) built from gather and arithmetic so that gradients reach volume and grid,
 * sampling grids (identity, rigid 4x4 transforms, offsets), and rigid head poses.
 */
@Export
@Version("1.0.0")
package org.megaportraits.nn.warp;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
