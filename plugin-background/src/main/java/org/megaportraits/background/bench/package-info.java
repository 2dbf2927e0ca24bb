/** The compositor's benchmark (a main class, runnable with plain {@code java -cp}). */
package org.megaportraits.background.bench;
