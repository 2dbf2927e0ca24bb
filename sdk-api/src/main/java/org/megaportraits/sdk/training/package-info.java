/**
 * Training runs of every stage, started, observed and stopped through one service, and the
 * evaluation of trained models on held-out data.
 */
@Export
@Version("1.1.0")
package org.megaportraits.sdk.training;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
