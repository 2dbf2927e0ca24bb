/**
 * Images as they pass between services: host-side 8-bit frames and device-resident batches.
 */
@Export
@Version("1.0.0")
package org.megaportraits.sdk.image;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
