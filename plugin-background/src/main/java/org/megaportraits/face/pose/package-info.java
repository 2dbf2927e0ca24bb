/** Head pose from 68 landmarks: a mean 3-D face and a least-squares fit of its projection. */
package org.megaportraits.face.pose;
