/**
 * Matting, background plates, compositing and paste-back into full frames.
 */
@Export
@Version("1.3.0")
package org.megaportraits.sdk.background;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
