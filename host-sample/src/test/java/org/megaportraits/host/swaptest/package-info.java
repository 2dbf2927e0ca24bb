/**
 * A small Declarative Services bundle the swap tests build twice (versions 1 and 2) with bnd at test
 * time: an {@code Enhancer} whose output pixels all equal 100 times its bundle's major version (at most 255), so every frame
 * says which version made it. It is never used from the test class path, only as a bundle.
 */
package org.megaportraits.host.swaptest;
