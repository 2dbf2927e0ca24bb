/**
 * The one-shot base reenactment model: encode an avatar once, drive it with motion per frame.
 */
@Export
@Version("1.1.0")
package org.megaportraits.sdk.reenact;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
