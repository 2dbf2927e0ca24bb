/**
 * Training runs of every stage, started, observed and stopped through one service.
 */
@Export
@Version("1.0.0")
package org.megaportraits.sdk.training;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
