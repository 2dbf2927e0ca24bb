/** The FaceAnalyzer service: its Declarative Services component, sessions and the video tracker. */
package org.megaportraits.face.impl;
