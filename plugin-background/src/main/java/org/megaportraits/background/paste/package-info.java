/** Paste-back of generated crops into their full frames with a feathered seam. */
package org.megaportraits.background.paste;
