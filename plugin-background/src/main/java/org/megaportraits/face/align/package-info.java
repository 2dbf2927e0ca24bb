/**
 * Alignment crops: the square head framing of the paper's pre-processing, computed from the
 * fitted head pose, its smoothing over video frames, and the head pose relative to a crop.
 */
package org.megaportraits.face.align;
