/**
 * The distilled real-time student, locked to the avatars it was trained on.
 */
@Export
@Version("1.0.0")
package org.megaportraits.sdk.student;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
