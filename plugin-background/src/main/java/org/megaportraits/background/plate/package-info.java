/** Background plates: the crop with the person removed and the hole filled in. */
package org.megaportraits.background.plate;
