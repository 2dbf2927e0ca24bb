/**
 * Foreground mattes of head crops: the classic default (GrabCut seeded from the face's
 * landmarks, through OpenCV) and a user-supplied TorchScript matting network.
 */
package org.megaportraits.background.matte;
