/**
 * The pretrained face networks of the npm package {@code @vladmandic/face-api} 1.7.15 (MIT) as DJL
 * blocks: the SSD MobileNet v1 face detector, the 68-point landmark net and the 128-d face
 * recognition net (a ResNet-34-like net), with a reader for their TensorFlow.js weight files.
 * Exported for training: the recognition net is differentiable and serves the identity loss and
 * the CSIM metric. Every block takes RGB images in [0, 1], N x 3 x H x W, and normalises them
 * itself.
 */
@Export
@Version("1.0.0")
package org.megaportraits.face.net;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
