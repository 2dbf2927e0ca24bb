/**
 * Face analysis: detection, landmarks, identity embeddings, head pose and alignment crops.
 */
@Export
@Version("1.2.0")
package org.megaportraits.sdk.face;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
