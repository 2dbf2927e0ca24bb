/** The face pipeline's benchmark (a main class, runnable with plain {@code java -cp}). */
package org.megaportraits.face.bench;
