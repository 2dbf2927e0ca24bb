/**
 * Common SDK types: execution options, model descriptors, errors and stability markers.
 */
@Export
@Version("1.0.0")
package org.megaportraits.sdk;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
