/**
 * The bridge between the SDK's engine-free types and DJL: device and precision mapping, and
 * {@link org.megaportraits.sdk.image.ImageBatch} backed by an NDArray so that frames stay on the
 * device between services. Shared by every model bundle.
 */
@Export
@Version("1.4.0")
package org.megaportraits.nn.tensor;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
