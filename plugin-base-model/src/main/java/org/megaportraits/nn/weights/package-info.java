/**
 * Our weights format: named tensors in one file with a JSON header, and model folders (a
 * {@code descriptor.json} with SHA-256 checksums beside the weights), checked by name, shape and
 * checksum on loading.
 */
@Export
@Version("1.0.0")
package org.megaportraits.nn.weights;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
