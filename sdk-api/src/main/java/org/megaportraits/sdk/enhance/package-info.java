/**
 * The megapixel enhancer: 512 px renders to 1024 px.
 */
@Export
@Version("1.1.0")
package org.megaportraits.sdk.enhance;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
