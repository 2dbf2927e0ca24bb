/**
 * Cutting faces out of images on the device: bilinear sampling through affine maps (differentiable
 * in the image, so training can cut identity chips from generated crops), and the chip alignment
 * the face recognition net expects. Coordinates are continuous: pixel (i, j) covers the unit square
 * from (i, j) to (i + 1, j + 1), so its centre is (i + 0.5, j + 0.5).
 */
@Export
@Version("1.1.0")
package org.megaportraits.face.crop;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
